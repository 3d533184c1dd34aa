import { clip, setupCanvas } from './canvas';
import { DIVERGING_LUT, lutIndex, SEQUENTIAL_LUT, textOnSequential } from './color';

/** What to draw: a rows × cols matrix of numbers, row-major, with optional labels and masked cells. */
export interface HeatmapSpec {
  rows: number;
  cols: number;
  /** rows × cols values, row-major; or a bigger matrix when `origin` picks a window of it. */
  values: ArrayLike<number>;
  /** Draw the window starting at (row, col) of a matrix `stride` columns wide (the zoomed attention map). */
  origin?: { row: number; col: number; stride: number };
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  /** `sequential` maps [min, max] onto viridis; `diverging` maps [-limit, limit] onto blue–white–red. */
  scale?: 'sequential' | 'diverging';
  /** Value range; default [0, max(values)] for sequential and ±max|values| for diverging. */
  min?: number;
  max?: number;
  /** Hatch the cells above the diagonal (absolute row < col: the keys a query may not see). */
  causal?: boolean;
  /** Largest width the picture may take (CSS pixels) and the largest cell side. */
  maxWidth: number;
  maxCell?: number;
  minCell?: number;
  /** Write the value in each cell when cells are big enough. */
  showValues?: boolean;
  /** A row to outline (the hovered query) and a column to outline. */
  highlightRow?: number;
  highlightCol?: number;
  /** Non-square cells: width = cell × aspect (embedding strips are wide and short). */
  aspect?: number;
}

/** Where the cells landed, for hit-testing the mouse. */
export interface HeatmapLayout {
  left: number;
  top: number;
  cellWidth: number;
  cellHeight: number;
  rows: number;
  cols: number;
  width: number;
  height: number;
  /** The cell under (x, y) in CSS pixels, or null. */
  hit(x: number, y: number): { row: number; col: number } | null;
}

function valueAt(spec: HeatmapSpec, r: number, c: number): number {
  const o = spec.origin;
  return o ? spec.values[(o.row + r) * o.stride + o.col + c] : spec.values[r * spec.cols + c];
}

function isMasked(spec: HeatmapSpec, r: number, c: number): boolean {
  return Boolean(spec.causal) && c + (spec.origin?.col ?? 0) > r + (spec.origin?.row ?? 0);
}

/** The cells as one image, a pixel per cell (masked cells the hatch's grey), scaled up without smoothing. */
function paintCells(ctx: CanvasRenderingContext2D, spec: HeatmapSpec, lo: number, span: number, x: number, y: number, width: number, height: number): void {
  const { rows, cols } = spec;
  const image = new ImageData(cols, rows);
  const px = image.data;
  const lut = spec.scale === 'diverging' ? DIVERGING_LUT : SEQUENTIAL_LUT;
  const values = spec.values;
  const stride = spec.origin?.stride ?? cols;
  const r0 = spec.origin?.row ?? 0;
  const c0 = spec.origin?.col ?? 0;
  // NOTE: one tight loop (no call per cell): 8 maps of 512 × 512 cells are redrawn on a layer change.
  for (let r = 0; r < rows; r++) {
    const base = (r0 + r) * stride + c0;
    // columns from `firstMasked` on are above the diagonal (the causal mask)
    const firstMasked = spec.causal ? Math.max(0, r0 + r + 1 - c0) : cols;
    let o = r * cols * 4;
    for (let c = 0; c < cols; c++, o += 4) {
      if (c >= firstMasked) {
        px[o] = 0xec;
        px[o + 1] = 0xef;
        px[o + 2] = 0xf1;
        px[o + 3] = 255;
        continue;
      }
      const i = lutIndex((values[base + c] - lo) / span) * 4;
      px[o] = lut[i];
      px[o + 1] = lut[i + 1];
      px[o + 2] = lut[i + 2];
      px[o + 3] = 255;
    }
  }
  const tile = document.createElement('canvas');
  tile.width = cols;
  tile.height = rows;
  tile.getContext('2d')!.putImageData(image, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tile, x, y, width, height);
  ctx.restore();
}

/** The hatch over the masked cells: one staircase path above the diagonal, filled once. */
function hatchMask(ctx: CanvasRenderingContext2D, spec: HeatmapSpec, left: number, top: number, cw: number, ch: number): void {
  const r0 = spec.origin?.row ?? 0;
  const c0 = spec.origin?.col ?? 0;
  ctx.save();
  ctx.beginPath();
  for (let r = 0; r < spec.rows; r++) {
    const first = Math.max(0, r + r0 + 1 - c0); // first masked column of this row (window coordinates)
    if (first >= spec.cols) continue;
    ctx.rect(left + first * cw, top + r * ch, (spec.cols - first) * cw, ch);
  }
  ctx.fillStyle = hatchPattern(ctx);
  ctx.fill();
  ctx.restore();
}

function range(spec: HeatmapSpec): [number, number] {
  if (spec.min !== undefined && spec.max !== undefined) return [spec.min, spec.max];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < spec.rows * spec.cols; i++) {
    const v = valueAt(spec, Math.floor(i / spec.cols), i % spec.cols);
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (spec.scale === 'diverging') {
    const limit = Math.max(Math.abs(lo), Math.abs(hi), 1e-9);
    return [spec.min ?? -limit, spec.max ?? limit];
  }
  return [spec.min ?? 0, spec.max ?? Math.max(hi, 1e-9)];
}

let hatch: CanvasPattern | null = null;
function hatchPattern(ctx: CanvasRenderingContext2D): CanvasPattern | string {
  if (hatch) return hatch;
  const tile = document.createElement('canvas');
  tile.width = 6;
  tile.height = 6;
  const t = tile.getContext('2d');
  if (!t) return '#ddd';
  t.fillStyle = '#eceff1';
  t.fillRect(0, 0, 6, 6);
  t.strokeStyle = '#b0bec5';
  t.lineWidth = 1;
  t.beginPath();
  t.moveTo(0, 6);
  t.lineTo(6, 0);
  t.stroke();
  hatch = ctx.createPattern(tile, 'repeat');
  return hatch ?? '#ddd';
}

/** Draws a heat map on `canvas` (resizing it) and returns its layout. */
export function drawHeatmap(canvas: HTMLCanvasElement, spec: HeatmapSpec): HeatmapLayout {
  const { rows, cols } = spec;
  const labelFont = '11px ui-monospace, SFMono-Regular, Menlo, monospace';
  const aspect = spec.aspect ?? 1;
  const maxCell = spec.maxCell ?? 28;
  const minCell = spec.minCell ?? 2;
  const hasRowLabels = Boolean(spec.rowLabels && spec.rowLabels.length === rows);
  const hasColLabels = Boolean(spec.colLabels && spec.colLabels.length === cols);
  const left = hasRowLabels ? 86 : 0;
  const roughCell = Math.max(minCell, Math.min(maxCell, (spec.maxWidth - left) / (cols * aspect)));
  // Column labels are written vertically only when the columns are wide enough to hold a line of text.
  const colLabelsFit = hasColLabels && roughCell * aspect >= 10;
  const top = colLabelsFit ? 70 : 0;
  const cellHeight = Math.floor(roughCell * 10) / 10;
  const cellWidth = cellHeight * aspect;
  const width = Math.ceil(left + cols * cellWidth + 1);
  const height = Math.ceil(top + rows * cellHeight + 1);
  const ctx = setupCanvas(canvas, width, height);
  const [lo, hi] = range(spec);
  const span = hi - lo || 1;

  paintCells(ctx, spec, lo, span, left, top, cols * cellWidth, rows * cellHeight);
  if (spec.causal) hatchMask(ctx, spec, left, top, cellWidth, cellHeight);

  if (spec.showValues && cellHeight >= 22 && cellWidth >= 26) {
    ctx.font = '9px ui-monospace, monospace';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (isMasked(spec, r, c)) continue;
        const v = valueAt(spec, r, c);
        const t = (v - lo) / span;
        ctx.fillStyle = spec.scale === 'diverging' ? '#222' : textOnSequential(t);
        ctx.fillText(v.toFixed(2).replace(/^0\./, '.'), left + (c + 0.5) * cellWidth, top + (r + 0.5) * cellHeight);
      }
    }
  }

  ctx.font = labelFont;
  ctx.fillStyle = '#37474f';
  if (hasRowLabels && cellHeight >= 8) {
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    spec.rowLabels!.forEach((label, r) => ctx.fillText(clip(label, 11), left - 6, top + (r + 0.5) * cellHeight));
  }
  if (colLabelsFit) {
    ctx.save();
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    spec.colLabels!.forEach((label, c) => {
      ctx.save();
      ctx.translate(left + (c + 0.5) * cellWidth, top - 6);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText(clip(label, 9), 0, 0);
      ctx.restore();
    });
    ctx.restore();
  }

  ctx.lineWidth = 2;
  ctx.strokeStyle = '#ff5722';
  if (spec.highlightRow !== undefined && spec.highlightRow >= 0 && spec.highlightRow < rows) {
    ctx.strokeRect(left + 1, top + spec.highlightRow * cellHeight + 1, cols * cellWidth - 2, cellHeight - 2);
  }
  if (spec.highlightCol !== undefined && spec.highlightCol >= 0 && spec.highlightCol < cols) {
    ctx.strokeRect(left + spec.highlightCol * cellWidth + 1, top + 1, cellWidth - 2, rows * cellHeight - 2);
  }

  return {
    left,
    top,
    cellWidth,
    cellHeight,
    rows,
    cols,
    width,
    height,
    hit(x, y) {
      const col = Math.floor((x - left) / cellWidth);
      const row = Math.floor((y - top) / cellHeight);
      if (row < 0 || row >= rows || col < 0 || col >= cols) return null;
      return { row, col };
    },
  };
}
