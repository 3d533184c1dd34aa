import type { RotaryLayout } from '../backend';
import type { Shape } from '../shape';
import { erf } from './erf';

// Every kernel here writes every element of `out`: the backend may pass a reused buffer holding stale values.

/** Softmax over rows of length n, max-subtracted; a row of all -Infinity becomes zeros (not NaN). */
export function softmaxKernel(x: Float32Array, n: number, out: Float32Array = new Float32Array(x.length)): Float32Array {
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
 * NOTE: both loops are unrolled by four with two pairs of accumulators: the arrays arrive as arguments, so V8
 * checks bounds on every access, and fewer loop trips cut that overhead (~20% here, bench/tensor.bench.mjs).
 */
export function layerNormKernel(
  x: Float32Array, n: number, gamma: Float32Array | null, beta: Float32Array | null, eps: number, out: Float32Array = new Float32Array(x.length),
): Float32Array {
  // absent gamma/beta become 1s and 0s (which change nothing), so there is one loop shape for every call
  const g = gamma ?? new Float32Array(n).fill(1);
  const b = beta ?? new Float32Array(n);
  const unrolled = n - (n % 4);
  for (let base = 0; base < x.length; base += n) {
    const shift = x[base];
    let s0 = 0, s1 = 0, q0 = 0, q1 = 0;
    let j = 0;
    for (; j < unrolled; j += 4) {
      const d0 = x[base + j] - shift;
      const d1 = x[base + j + 1] - shift;
      const d2 = x[base + j + 2] - shift;
      const d3 = x[base + j + 3] - shift;
      s0 += d0 + d2;
      s1 += d1 + d3;
      q0 += d0 * d0 + d2 * d2;
      q1 += d1 * d1 + d3 * d3;
    }
    for (; j < n; j++) {
      const d = x[base + j] - shift;
      s0 += d;
      q0 += d * d;
    }
    const meanShifted = (s0 + s1) / n;
    const mean = shift + meanShifted;
    const inv = 1 / Math.sqrt(Math.max(0, (q0 + q1) / n - meanShifted * meanShifted) + eps);
    for (j = 0; j < unrolled; j += 4) {
      const o = base + j;
      const y0 = (x[o] - mean) * inv * g[j] + b[j];
      const y1 = (x[o + 1] - mean) * inv * g[j + 1] + b[j + 1];
      const y2 = (x[o + 2] - mean) * inv * g[j + 2] + b[j + 2];
      const y3 = (x[o + 3] - mean) * inv * g[j + 3] + b[j + 3];
      out[o] = y0;
      out[o + 1] = y1;
      out[o + 2] = y2;
      out[o + 3] = y3;
    }
    for (; j < n; j++) out[base + j] = (x[base + j] - mean) * inv * g[j] + b[j];
  }
  return out;
}

/** x / sqrt(mean(x²) + eps) · gamma over rows of length n. */
export function rmsNormKernel(x: Float32Array, n: number, gamma: Float32Array | null, eps: number, out: Float32Array = new Float32Array(x.length)): Float32Array {
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
export function geluKernel(x: Float32Array, approximate: 'none' | 'tanh', out: Float32Array = new Float32Array(x.length)): Float32Array {
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
export function siluKernel(x: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = x[i] / (1 + Math.exp(-x[i]));
  return out;
}

/**
 * Rotates x [..., seq, dim] by angle tables cos/sin [seq, rotaryDim/2]. `interleaved` pairs (2i, 2i+1);
 * `halves` pairs (i, i + rotaryDim/2). Dimensions past rotaryDim are copied unchanged.
 */
export function rotaryKernel(
  x: Float32Array, shape: Shape, cos: Float32Array, sin: Float32Array, half: number, layout: RotaryLayout, out: Float32Array = new Float32Array(x.length),
): Float32Array {
  const dim = shape[shape.length - 1];
  const seq = shape[shape.length - 2];
  out.set(x);
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
