import { sizeOf, type TensorHandle } from '@transformer-kit/tensor';
import { floats, ints, temp, tensors, type KernelParam, type KernelPlan, type KernelSpec } from '../kernel-source';

/**
 * Softmax, layer norm and RMS norm over rows of length n.
 *
 * A thread computes one output element, so a one-pass kernel re-reads its whole row: n² reads per row.
 * Short rows (attention over a few positions, a 64-wide model) take that and save a launch; longer rows
 * use two passes — per-row statistics into a small texture, then an elementwise kernel reading them.
 */
export const ONE_PASS_MAX_ROW = 128;

// NOTE: -3.4028234e38 rounds to -FLT_MAX, so only -Infinity is below it: a fully masked row.
const ALL_MASKED = 'm < -3.4028234e38';

const rowMax = 'let m = x[base];\nfor (let i1 = 0; i1 < n; i1++) { const v1 = x[base + i1]; if (v1 > m || v1 !== v1) { m = v1; } }\n';
const rowExpSum = 'let s = 0.0;\nfor (let i2 = 0; i2 < n; i2++) { s += Math.exp(x[base + i2] - m); }\n';
const rowMean = 'let mean = 0.0;\nfor (let i3 = 0; i3 < n; i3++) { mean += x[base + i3]; }\nmean = mean / n;\n';
const rowVar = 'let variance = 0.0;\nfor (let i4 = 0; i4 < n; i4++) { const dv = x[base + i4] - mean; variance += dv * dv; }\nvariance = variance / n;\n';
const rowSquares = 'let ss = 0.0;\nfor (let i5 = 0; i5 < n; i5++) { const v5 = x[base + i5]; ss += v5 * v5; }\n';

/** One-pass softmax over rows of n: a row of all -Infinity gives zeros. */
export function softmaxSpec(): KernelSpec {
  const body = 'const j = imod(this.thread.x, n);\nconst base = this.thread.x - j;\n' + rowMax + `if (${ALL_MASKED}) { return 0.0; }\n` + rowExpSum + 'return Math.exp(x[this.thread.x] - m) / s;';
  return { params: [...tensors('x'), ...ints('n')], body };
}

/** Per-row statistics into [rows, 2]: softmax (max, Σ exp), layerNorm (mean, 1/σ), rmsNorm (1/rms, unused). */
export function rowStatsSpec(kind: 'softmax' | 'layerNorm' | 'rmsNorm'): KernelSpec {
  let body = 'const which = imod(this.thread.x, 2);\nconst base = idiv(this.thread.x, 2) * n;\n';
  if (kind === 'softmax') body += rowMax + `if (which === 0 || ${ALL_MASKED}) { return m; }\n` + rowExpSum + 'return s;';
  else if (kind === 'layerNorm') body += rowMean + 'if (which === 0) { return mean; }\n' + rowVar + 'return 1.0 / Math.sqrt(variance + eps);';
  else body += rowSquares + 'return 1.0 / Math.sqrt(ss / n + eps);';
  return { params: [...tensors('x'), ...ints('n'), ...(kind === 'softmax' ? [] : floats('eps'))], body };
}

/** The elementwise half of two-pass softmax. */
export function softmaxApplySpec(): KernelSpec {
  const body = 'const row = idiv(this.thread.x, n);\nconst m = stats[row * 2];\n' + `if (${ALL_MASKED}) { return 0.0; }\n` + 'return Math.exp(x[this.thread.x] - m) / stats[row * 2 + 1];';
  return { params: [...tensors('x', 'stats'), ...ints('n')], body };
}

function affineParams(hasGamma: boolean, hasBeta: boolean): KernelParam[] {
  return [...(hasGamma ? tensors('gamma') : []), ...(hasBeta ? tensors('beta') : [])];
}

function affine(hasGamma: boolean, hasBeta: boolean): string {
  return 'const j = imod(this.thread.x, n);\n' + (hasGamma ? 'y = y * gamma[j];\n' : '') + (hasBeta ? 'y = y + beta[j];\n' : '') + 'return y;';
}

/** Layer norm (biased variance), one pass or from [rows, 2] statistics. */
export function layerNormSpec(twoPass: boolean, hasGamma: boolean, hasBeta: boolean): KernelSpec {
  const body = twoPass
    ? 'const row = idiv(this.thread.x, n);\nlet y = (x[this.thread.x] - stats[row * 2]) * stats[row * 2 + 1];\n'
    : 'const base = idiv(this.thread.x, n) * n;\n' + rowMean + rowVar + 'let y = (x[this.thread.x] - mean) / Math.sqrt(variance + eps);\n';
  return { params: [...tensors('x', ...(twoPass ? ['stats'] : [])), ...affineParams(hasGamma, hasBeta), ...ints('n'), ...floats('eps')], body: body + affine(hasGamma, hasBeta) };
}

/** RMS norm, one pass or from [rows, 2] statistics. */
export function rmsNormSpec(twoPass: boolean, hasGamma: boolean): KernelSpec {
  const body = twoPass
    ? 'const row = idiv(this.thread.x, n);\nlet y = x[this.thread.x] * stats[row * 2];\n'
    : 'const base = idiv(this.thread.x, n) * n;\n' + rowSquares + 'let y = x[this.thread.x] / Math.sqrt(ss / n + eps);\n';
  return { params: [...tensors('x', ...(twoPass ? ['stats'] : [])), ...affineParams(hasGamma, false), ...ints('n'), ...floats('eps')], body: body + affine(hasGamma, false) };
}

/** Softmax over the last axis: one launch for short rows, statistics then apply for long ones. */
export function softmaxPlan(x: TensorHandle): KernelPlan {
  const n = x.shape[x.shape.length - 1];
  const size = sizeOf(x.shape);
  if (n <= ONE_PASS_MAX_ROW) return [{ key: 'softmax', make: softmaxSpec, size, args: [x, n] }];
  return [
    { key: 'rowStats:softmax', make: () => rowStatsSpec('softmax'), size: (size / n) * 2, args: [x, n] },
    { key: 'softmax:apply', make: softmaxApplySpec, size, args: [x, temp(0), n] },
  ];
}

/** Layer norm (gamma and beta optional) or RMS norm (gamma optional) over the last axis. */
export function normPlan(kind: 'layerNorm' | 'rmsNorm', x: TensorHandle, gamma: TensorHandle | null, beta: TensorHandle | null, eps: number): KernelPlan {
  const n = x.shape[x.shape.length - 1];
  const size = sizeOf(x.shape);
  const twoPass = n > ONE_PASS_MAX_ROW;
  const hasBeta = beta !== null && kind === 'layerNorm';
  const affine = [...(gamma ? [gamma] : []), ...(hasBeta && beta ? [beta] : [])];
  const key = `${kind}:${twoPass}:${gamma !== null}:${hasBeta}`;
  const make = () => (kind === 'layerNorm' ? layerNormSpec(twoPass, gamma !== null, hasBeta) : rmsNormSpec(twoPass, gamma !== null));
  if (!twoPass) return [{ key, make, size, args: [x, ...affine, n, eps] }];
  return [
    { key: `rowStats:${kind}`, make: () => rowStatsSpec(kind), size: (size / n) * 2, args: [x, n, eps] },
    { key, make, size, args: [x, temp(0), ...affine, n, eps] },
  ];
}
