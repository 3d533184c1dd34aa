import { setupCanvas } from './canvas';
import type { LayerNorms } from '../model/block-view';

const COLOURS = { entering: '#90a4ae', attention: '#3b6fb6', feedForward: '#e07b39' } as const;

/** Grouped bars per layer: ‖x‖ entering, ‖attention add‖, ‖feed-forward add‖, on one linear scale. */
export function drawLayerNorms(canvas: HTMLCanvasElement, norms: readonly LayerNorms[], chosen: number, width: number): void {
  const height = 150;
  const ctx = setupCanvas(canvas, width, height);
  const left = 40;
  const bottom = 22;
  const top = 18;
  const max = Math.max(1e-6, ...norms.flatMap((n) => [n.entering, n.attention, n.feedForward]));
  const group = (width - left - 8) / Math.max(1, norms.length);
  const bar = Math.max(1, Math.min(14, (group - 4) / 3));
  ctx.font = '11px ui-monospace, monospace';
  ctx.fillStyle = '#607d8b';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText(max.toFixed(1), left - 4, top);
  ctx.fillText('0', left - 4, height - bottom);
  norms.forEach((n, l) => {
    const x0 = left + l * group + (group - 3 * bar) / 2;
    if (l === chosen) {
      ctx.fillStyle = '#fff3e0';
      ctx.fillRect(left + l * group, top - 6, group, height - bottom - top + 6);
    }
    (['entering', 'attention', 'feedForward'] as const).forEach((k, i) => {
      const hgt = ((height - bottom - top) * n[k]) / max;
      ctx.fillStyle = COLOURS[k];
      ctx.fillRect(x0 + i * bar, height - bottom - hgt, bar - 1, hgt);
    });
    if (group >= 14 || l % Math.ceil(14 / group) === 0) {
      ctx.fillStyle = '#37474f';
      ctx.textAlign = 'center';
      ctx.fillText(String(l), left + (l + 0.5) * group, height - bottom / 2);
    }
  });
  ctx.textAlign = 'left';
  const legend: [string, string][] = [['‖x‖ entering', COLOURS.entering], ['‖attention add‖', COLOURS.attention], ['‖feed-forward add‖', COLOURS.feedForward]];
  let x = left;
  for (const [label, colour] of legend) {
    ctx.fillStyle = colour;
    ctx.fillRect(x, 4, 10, 10);
    ctx.fillStyle = '#37474f';
    ctx.fillText(label, x + 14, 9);
    x += ctx.measureText(label).width + 30;
  }
}
