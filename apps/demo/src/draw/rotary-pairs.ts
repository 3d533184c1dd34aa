import { clip, setupCanvas } from './canvas';

/** The pairs of one vector before rotation and after rotation at each position. */
export interface RotaryPicture {
  /** The vector before rotation: pairs (v[2i], v[2i+1]). */
  original: ArrayLike<number>;
  /** [positions × dim] the same vector rotated as it would be at each position (row-major). */
  rotated: ArrayLike<number>;
  positions: number;
  dim: number;
  /** Labels of the positions (the prompt's tokens). */
  labels?: readonly string[];
  /** The frequency of each pair (radians per position), for the row captions. */
  frequencies?: readonly number[];
}

/**
 * One dial per (pair, position): the pair drawn as an arrow from the centre. Rows are pairs (the first turns
 * fastest), columns positions. Every dial is scaled to its pair's length (rotation keeps lengths; the row
 * caption gives it), so slow and fast pairs are equally visible; the dashed arrow is the pair at position 0.
 */
export function drawRotaryPairs(canvas: HTMLCanvasElement, picture: RotaryPicture, maxWidth: number): void {
  const pairs = picture.dim / 2;
  const left = 132;
  const top = picture.labels ? 40 : 22;
  const cell = Math.max(26, Math.min(52, (maxWidth - left) / picture.positions));
  const width = left + picture.positions * cell + 2;
  const height = top + pairs * cell + 2;
  const ctx = setupCanvas(canvas, width, height);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'center';
  for (let p = 0; p < picture.positions; p++) {
    ctx.font = '10px ui-monospace, monospace';
    ctx.fillStyle = '#546e7a';
    ctx.fillText(String(p), left + (p + 0.5) * cell, 9);
    if (picture.labels?.[p] !== undefined) {
      ctx.fillStyle = '#37474f';
      ctx.fillText(clip(picture.labels[p], Math.max(3, Math.floor(cell / 7))), left + (p + 0.5) * cell, 26);
    }
  }
  for (let i = 0; i < pairs; i++) {
    const length = Math.hypot(picture.original[2 * i], picture.original[2 * i + 1]) || 1e-12;
    const freq = picture.frequencies?.[i];
    ctx.textAlign = 'right';
    ctx.font = '11px ui-monospace, monospace';
    ctx.fillStyle = '#37474f';
    const y = top + (i + 0.5) * cell;
    ctx.fillText(`pair ${i}`, left - 8, y - 7);
    ctx.font = '10px ui-monospace, monospace';
    ctx.fillStyle = '#78909c';
    ctx.fillText(`${freq !== undefined ? `θ ${freq >= 0.01 ? freq.toFixed(2) : freq.toExponential(0)} · ` : ''}|q| ${length.toFixed(2)}`, left - 8, y + 7);
    const colour = `hsl(${Math.round((i / pairs) * 280)}, 70%, 40%)`;
    for (let p = 0; p < picture.positions; p++) {
      const cx = left + (p + 0.5) * cell;
      const R = cell * 0.4;
      ctx.strokeStyle = '#cfd8dc';
      ctx.lineWidth = 1;
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.arc(cx, y, R, 0, 2 * Math.PI);
      ctx.stroke();
      const arrow = (ax: number, ay: number, style: string, w: number, dash: number[]) => {
        ctx.strokeStyle = style;
        ctx.lineWidth = w;
        ctx.setLineDash(dash);
        ctx.beginPath();
        ctx.moveTo(cx, y);
        ctx.lineTo(cx + (ax / length) * R, y - (ay / length) * R);
        ctx.stroke();
      };
      arrow(picture.original[2 * i], picture.original[2 * i + 1], '#90a4ae', 1, [2, 2]);
      const base = p * picture.dim + 2 * i;
      arrow(picture.rotated[base], picture.rotated[base + 1], colour, 2.2, []);
      ctx.setLineDash([]);
      ctx.fillStyle = colour;
      ctx.beginPath();
      ctx.arc(cx + (picture.rotated[base] / length) * R, y - (picture.rotated[base + 1] / length) * R, 2.2, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
}
