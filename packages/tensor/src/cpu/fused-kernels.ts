import type { RotaryLayout } from '../backend';
import type { Shape } from '../shape';
import { erf } from './erf';

/** Softmax over rows of length n, max-subtracted; a row of all -Infinity becomes zeros (not NaN). */
export function softmaxKernel(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let base = 0; base < x.length; base += n) softmaxRow(x, base, n, out, base);
  return out;
}

/** One softmax row from x[xOff..] into out[outOff..]. */
export function softmaxRow(x: ArrayLike<number>, xOff: number, n: number, out: Float32Array | Float64Array, outOff: number): void {
  let max = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = x[xOff + j];
    if (v > max || v !== v) max = v;
  }
  if (max === -Infinity) {
    // NOTE: a fully masked row attends nowhere: zeros, documented in the attention package.
    for (let j = 0; j < n; j++) out[outOff + j] = 0;
    return;
  }
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const e = Math.exp(x[xOff + j] - max);
    out[outOff + j] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let j = 0; j < n; j++) out[outOff + j] *= inv;
}

/**
 * (x - mean) / sqrt(var + eps) · gamma + beta over rows of length n (biased variance, as PyTorch).
 * One pass gathers Σd and Σd² of d = x - x[row start] in float64, a second writes the row.
 * NOTE: shifting by the row's first value keeps the one-pass variance accurate for rows far from zero
 * (Var(x) = Var(x - s) for any s, and with s inside the row Σd² no longer dwarfs the variance); float64
 * accumulators do the rest. Two passes over the row, not three.
 */
export function layerNormKernel(x: Float32Array, n: number, gamma: Float32Array | null, beta: Float32Array | null, eps: number): Float32Array {
  const out = new Float32Array(x.length);
  // absent gamma/beta become 1s and 0s (which change nothing), so there is one loop shape for every call
  const g = gamma ?? new Float32Array(n).fill(1);
  const b = beta ?? new Float32Array(n);
  for (let base = 0; base < x.length; base += n) {
    const shift = x[base];
    let s = 0;
    let ss = 0;
    for (let j = 0; j < n; j++) {
      const d = x[base + j] - shift;
      s += d;
      ss += d * d;
    }
    const meanShifted = s / n;
    const mean = shift + meanShifted;
    const inv = 1 / Math.sqrt(Math.max(0, ss / n - meanShifted * meanShifted) + eps);
    for (let j = 0; j < n; j++) out[base + j] = (x[base + j] - mean) * inv * g[j] + b[j];
  }
  return out;
}

/** x / sqrt(mean(x²) + eps) · gamma over rows of length n. */
export function rmsNormKernel(x: Float32Array, n: number, gamma: Float32Array | null, eps: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let base = 0; base < x.length; base += n) {
    let ss = 0;
    for (let j = 0; j < n; j++) ss += x[base + j] * x[base + j];
    const inv = 1 / Math.sqrt(ss / n + eps);
    if (gamma) for (let j = 0; j < n; j++) out[base + j] = x[base + j] * inv * gamma[j];
    else for (let j = 0; j < n; j++) out[base + j] = x[base + j] * inv;
  }
  return out;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** GELU: exact x·Φ(x) = x/2·(1 + erf(x/√2)), or the tanh approximation (GPT-2's gelu_new). */
export function geluKernel(x: Float32Array, approximate: 'none' | 'tanh'): Float32Array {
  const out = new Float32Array(x.length);
  if (approximate === 'tanh') {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
    }
  } else {
    for (let i = 0; i < x.length; i++) out[i] = 0.5 * x[i] * (1 + erf(x[i] * Math.SQRT1_2));
  }
  return out;
}

/** SiLU: x · sigmoid(x). */
export function siluKernel(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] / (1 + Math.exp(-x[i]));
  return out;
}

/**
 * Rotates x [..., seq, dim] by angle tables cos/sin [seq, rotaryDim/2]. `interleaved` pairs (2i, 2i+1);
 * `halves` pairs (i, i + rotaryDim/2). Dimensions past rotaryDim are copied unchanged.
 */
export function rotaryKernel(x: Float32Array, shape: Shape, cos: Float32Array, sin: Float32Array, half: number, layout: RotaryLayout): Float32Array {
  const dim = shape[shape.length - 1];
  const seq = shape[shape.length - 2];
  const out = new Float32Array(x);
  for (let row = 0; row * dim < x.length; row++) {
    const pos = row % seq;
    const base = row * dim;
    const t = pos * half;
    for (let i = 0; i < half; i++) {
      const c = cos[t + i];
      const s = sin[t + i];
      const i0 = layout === 'interleaved' ? base + 2 * i : base + i;
      const i1 = layout === 'interleaved' ? i0 + 1 : i0 + half;
      const a = x[i0];
      const b = x[i1];
      out[i0] = a * c - b * s;
      out[i1] = a * s + b * c;
    }
  }
  return out;
}
