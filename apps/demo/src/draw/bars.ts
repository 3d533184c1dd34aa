import { clip, setupCanvas } from './canvas';
import { sequential } from './color';

/** One bar: a label and a value in [0, 1]. */
export interface Bar {
  label: string;
  value: number;
  /** Drawn with an outline (the token that was picked). */
  emphasised?: boolean;
}

/** Horizontal bars, largest first as given, with the value as a percentage. */
export function drawBars(canvas: HTMLCanvasElement, bars: readonly Bar[], width: number): void {
  const rowHeight = 22;
  const labelWidth = 110;
  const valueWidth = 56;
  const height = Math.max(rowHeight, bars.length * rowHeight + 4);
  const ctx = setupCanvas(canvas, width, height);
  const barSpace = width - labelWidth - valueWidth;
  ctx.font = '12px ui-monospace, SFMono-Regular, Menlo, monospace';
  ctx.textBaseline = 'middle';
  bars.forEach((bar, i) => {
    const y = 2 + i * rowHeight;
    ctx.fillStyle = '#263238';
    ctx.textAlign = 'right';
    ctx.fillText(clip(bar.label, 13), labelWidth - 8, y + rowHeight / 2);
    const w = Math.max(1, bar.value * barSpace);
    ctx.fillStyle = sequential(0.25 + 0.65 * bar.value);
    ctx.fillRect(labelWidth, y + 3, w, rowHeight - 6);
    if (bar.emphasised) {
      ctx.strokeStyle = '#ff5722';
      ctx.lineWidth = 2;
      ctx.strokeRect(labelWidth, y + 3, w, rowHeight - 6);
    }
    ctx.fillStyle = '#37474f';
    ctx.textAlign = 'left';
    ctx.fillText(`${(bar.value * 100).toFixed(bar.value >= 0.1 ? 1 : 2)}%`, labelWidth + w + 6, y + rowHeight / 2);
  });
}
