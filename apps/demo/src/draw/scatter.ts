import { setupCanvas } from './canvas';

/** A point of the 2-D map. */
export interface ScatterPoint {
  x: number;
  y: number;
  label: string;
}

/** What to mark on the map besides the grey cloud. */
export interface ScatterMarks {
  /** Indices of points to mark in colour with their label (the prompt's tokens). */
  marked: readonly number[];
  /** The chosen point (ringed) and its neighbours (joined to it by lines). */
  chosen?: number;
  neighbours?: readonly number[];
  /** The point under the mouse (labelled). */
  hovered?: number;
}

/** Where the points landed on the canvas, for hit-testing. */
export interface ScatterLayout {
  nearest(x: number, y: number, radius: number): number | null;
}

/** Up to this many points each is a dot; past it (vocabularies of 32k–150k) the cloud is a density image. */
const DOTS_UP_TO = 5000;
const clouds = new WeakMap<readonly ScatterPoint[], { size: number; canvas: HTMLCanvasElement }>();

/**
 * The grey cloud as one image: points binned per pixel, the alpha growing with the count. 150k arcs took
 * ~600 ms a draw (measured in Chromium); this is one pass, cached per point set and size.
 */
function cloudImage(points: readonly ScatterPoint[], size: number, sx: (x: number) => number, sy: (y: number) => number): HTMLCanvasElement {
  const cached = clouds.get(points);
  if (cached && cached.size === size) return cached.canvas;
  const side = Math.max(1, Math.round(size));
  const counts = new Uint16Array(side * side);
  for (const p of points) {
    const x = Math.round(sx(p.x));
    const y = Math.round(sy(p.y));
    if (x >= 0 && x < side && y >= 0 && y < side && counts[y * side + x] < 65535) counts[y * side + x]++;
  }
  const image = new ImageData(side, side);
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    image.data.set([96, 125, 139, Math.min(255, 90 + 40 * Math.log2(counts[i]))], i * 4);
  }
  const canvas = document.createElement('canvas');
  canvas.width = side;
  canvas.height = side;
  canvas.getContext('2d')!.putImageData(image, 0, 0);
  clouds.set(points, { size, canvas });
  return canvas;
}

/** A scatter plot of every point (grey) with marks, each axis scaled to fill the square. */
export function drawScatter(canvas: HTMLCanvasElement, points: readonly ScatterPoint[], marks: ScatterMarks, size: number): ScatterLayout {
  const ctx = setupCanvas(canvas, size, size);
  const pad = 18;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  // Each axis fills the square: the second component has less variance than the first, and equal scales would
  // squeeze the cloud into a thin band (the caption says how much variance each axis keeps).
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const scaleX = (size - 2 * pad) / (maxX - minX || 1);
  const scaleY = (size - 2 * pad) / (maxY - minY || 1);
  const sx = (x: number) => size / 2 + (x - cx) * scaleX;
  const sy = (y: number) => size / 2 - (y - cy) * scaleY;

  ctx.fillStyle = '#fafafa';
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = '#eceff1';
  ctx.beginPath();
  ctx.moveTo(size / 2, pad / 2);
  ctx.lineTo(size / 2, size - pad / 2);
  ctx.moveTo(pad / 2, size / 2);
  ctx.lineTo(size - pad / 2, size / 2);
  ctx.stroke();

  if (points.length <= DOTS_UP_TO) {
    ctx.fillStyle = 'rgba(96, 125, 139, 0.45)';
    for (const p of points) {
      ctx.beginPath();
      ctx.arc(sx(p.x), sy(p.y), 2, 0, 2 * Math.PI);
      ctx.fill();
    }
  } else {
    ctx.drawImage(cloudImage(points, size, sx, sy), 0, 0, size, size);
  }

  if (marks.chosen !== undefined && marks.neighbours) {
    const c = points[marks.chosen];
    ctx.strokeStyle = 'rgba(255, 87, 34, 0.6)';
    ctx.lineWidth = 1;
    for (const n of marks.neighbours) {
      ctx.beginPath();
      ctx.moveTo(sx(c.x), sy(c.y));
      ctx.lineTo(sx(points[n].x), sy(points[n].y));
      ctx.stroke();
    }
  }

  ctx.font = '11px ui-monospace, monospace';
  ctx.textBaseline = 'bottom';
  // Labels never overlap: one that would cover an earlier one is left out (its dot stays; hover shows it).
  const placed: { x: number; y: number; w: number; h: number }[] = [];
  const labelled = new Set<number>();
  const label = (i: number, colour: string, force = false) => {
    if (labelled.has(i)) return;
    const p = points[i];
    const box = { x: sx(p.x) + 5, y: sy(p.y) - 14, w: ctx.measureText(p.label).width, h: 12 };
    if (!force && placed.some((b) => box.x < b.x + b.w && b.x < box.x + box.w && box.y < b.y + b.h && b.y < box.y + box.h)) return;
    placed.push(box);
    labelled.add(i);
    ctx.fillStyle = 'rgba(250, 250, 250, 0.85)';
    ctx.fillRect(box.x - 1, box.y, box.w + 2, box.h + 1);
    ctx.fillStyle = colour;
    ctx.fillText(p.label, box.x, box.y + box.h + 1);
  };
  for (const i of marks.neighbours ?? []) {
    ctx.fillStyle = '#ff8a65';
    ctx.beginPath();
    ctx.arc(sx(points[i].x), sy(points[i].y), 3.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  for (const i of marks.marked) {
    ctx.fillStyle = '#1565c0';
    ctx.beginPath();
    ctx.arc(sx(points[i].x), sy(points[i].y), 4.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  if (marks.chosen !== undefined) {
    const p = points[marks.chosen];
    ctx.strokeStyle = '#ff5722';
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    ctx.arc(sx(p.x), sy(p.y), 8, 0, 2 * Math.PI);
    ctx.stroke();
  }
  if (marks.hovered !== undefined) label(marks.hovered, '#000', true);
  if (marks.chosen !== undefined) label(marks.chosen, '#bf360c', true);
  for (const i of marks.marked) label(i, '#0d47a1');
  for (const i of marks.neighbours ?? []) label(i, '#bf360c');
  ctx.fillStyle = '#90a4ae';
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText('PC1 →', size - 44, size / 2 - 4);
  ctx.fillText('PC2 ↑', size / 2 + 4, 12);

  return {
    nearest(x, y, radius) {
      let best: number | null = null;
      let bestD = radius * radius;
      points.forEach((p, i) => {
        const d = (sx(p.x) - x) ** 2 + (sy(p.y) - y) ** 2;
        if (d <= bestD) {
          bestD = d;
          best = i;
        }
      });
      return best;
    },
  };
}
