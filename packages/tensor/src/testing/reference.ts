/**
 * Float64 reference implementations the conformance cases compare against. They are written the plainest
 * way (index arithmetic over multi-indices, no blocking, no fast paths) and share no code with any backend,
 * so a bug in a kernel can't hide in its own reference.
 */
import type { Shape } from '../shape';

/** A float64 tensor: row-major values and a shape. */
export interface RefTensor {
  readonly shape: number[];
  readonly values: Float64Array;
}

function count(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The multi-index of flat position `i` in `shape`. */
function unravel(i: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** The flat position of a multi-index of `shape`, aligned on the right; broadcast (size-1) dimensions read 0. */
function ravelBroadcast(idx: readonly number[], shape: Shape): number {
  let flat = 0;
  const offset = idx.length - shape.length;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d] + (shape[d] === 1 ? 0 : idx[offset + d]);
  return flat;
}

/** NumPy broadcasting of shapes. */
export function refBroadcastShape(...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let d = 0; d < rank; d++) {
    let size = 1;
    for (const s of shapes) {
      const v = s[d - (rank - s.length)] ?? 1;
      if (v !== 1) size = v;
    }
    out.push(size);
  }
  return out;
}

/** f(a, b) elementwise with broadcasting. */
export function refBinary(a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape, f: (x: number, y: number) => number): RefTensor {
  const shape = refBroadcastShape(aShape, bShape);
  const values = new Float64Array(count(shape));
  for (let i = 0; i < values.length; i++) {
    const idx = unravel(i, shape);
    values[i] = f(a[ravelBroadcast(idx, aShape)], b[ravelBroadcast(idx, bShape)]);
  }
  return { shape, values };
}

/** cond ? a : b with broadcasting. */
export function refWhere(cond: ArrayLike<number>, cShape: Shape, a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape): RefTensor {
  const shape = refBroadcastShape(cShape, aShape, bShape);
  const values = new Float64Array(count(shape));
  for (let i = 0; i < values.length; i++) {
    const idx = unravel(i, shape);
    values[i] = cond[ravelBroadcast(idx, cShape)] ? a[ravelBroadcast(idx, aShape)] : b[ravelBroadcast(idx, bShape)];
  }
  return { shape, values };
}

/** Folds `axis` of x with `fold(column)`; keepDims leaves a 1 there. */
export function refReduce(x: ArrayLike<number>, shape: Shape, axis: number, fold: (column: number[]) => number, keepDims = false): RefTensor {
  const outShape = shape.map((d, i) => (i === axis ? 1 : d));
  const values = new Float64Array(count(outShape));
  for (let o = 0; o < values.length; o++) {
    const idx = unravel(o, outShape);
    const column: number[] = [];
    for (let j = 0; j < shape[axis]; j++) {
      idx[axis] = j;
      column.push(x[ravelBroadcast(idx, shape)]);
    }
    values[o] = fold(column);
  }
  return { shape: keepDims ? outShape : shape.filter((_, i) => i !== axis), values };
}

/** Permutes dimensions: out[idx] = x[idx permuted back]. */
export function refPermute(x: ArrayLike<number>, shape: Shape, perm: readonly number[]): RefTensor {
  const outShape = perm.map((p) => shape[p]);
  const values = new Float64Array(count(shape));
  for (let o = 0; o < values.length; o++) {
    const outIdx = unravel(o, outShape);
    const inIdx = new Array<number>(shape.length);
    perm.forEach((p, i) => (inIdx[p] = outIdx[i]));
    values[o] = x[ravelBroadcast(inIdx, shape)];
  }
  return { shape: outShape, values };
}

/** [..., M, K] · [..., K, N] with broadcast batch dimensions, the textbook triple loop in float64. */
export function refMatmul(a: ArrayLike<number>, aShape: Shape, b: ArrayLike<number>, bShape: Shape, transposeA = false, transposeB = false): RefTensor {
  const ra = aShape.length;
  const rb = bShape.length;
  const [m, k] = transposeA ? [aShape[ra - 1], aShape[ra - 2]] : [aShape[ra - 2], aShape[ra - 1]];
  const n = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = refBroadcastShape(aBatch, bBatch);
  const shape = [...batch, m, n];
  const values = new Float64Array(count(shape));
  const aMat = aShape[ra - 2] * aShape[ra - 1];
  const bMat = bShape[rb - 2] * bShape[rb - 1];
  for (let t = 0; t < count(batch); t++) {
    const idx = unravel(t, batch);
    const aBase = ravelBroadcast(idx, aBatch) * aMat;
    const bBase = ravelBroadcast(idx, bBatch) * bMat;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = transposeA ? a[aBase + p * m + i] : a[aBase + i * k + p];
          const bv = transposeB ? b[bBase + j * k + p] : b[bBase + p * n + j];
          s += av * bv;
        }
        values[(t * m + i) * n + j] = s;
      }
    }
  }
  return { shape, values };
}

/** Applies `f` to each row of length n (the last axis). */
export function refRows(x: ArrayLike<number>, n: number, f: (row: number[]) => number[]): Float64Array {
  const out = new Float64Array(x.length);
  for (let base = 0; base < x.length; base += n) out.set(f(Array.from({ length: n }, (_, j) => x[base + j])), base);
  return out;
}

/** Softmax of one row; all -Infinity gives zeros. */
export function refSoftmaxRow(row: number[]): number[] {
  const m = Math.max(...row);
  if (m === -Infinity) return row.map(() => 0);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** log Σ exp of one row. */
export function refLogSumExp(row: number[]): number {
  const m = Math.max(...row);
  if (m === -Infinity || m === Infinity || Number.isNaN(m)) return m;
  return m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
}

/** LayerNorm of one row (biased variance, two passes). */
export function refLayerNormRow(row: number[], gamma: ArrayLike<number> | null, beta: ArrayLike<number> | null, eps: number): number[] {
  const mean = row.reduce((a, b) => a + b, 0) / row.length;
  const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / row.length;
  return row.map((v, j) => ((v - mean) / Math.sqrt(variance + eps)) * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0));
}

/** RMSNorm of one row. */
export function refRmsNormRow(row: number[], gamma: ArrayLike<number> | null, eps: number): number[] {
  const rms = Math.sqrt(row.reduce((a, v) => a + v * v, 0) / row.length + eps);
  return row.map((v, j) => (v / rms) * (gamma ? gamma[j] : 1));
}

/** erf by its Maclaurin series (|x| < 5; 1 − erf < 2e-12 beyond), independent of any backend's rational approximation. */
export function refErf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) >= 5) return Math.sign(x);
  // erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** Rotary embedding of x [..., seq, dim] with angle tables [seq, half], in float64. */
export function refRotary(x: ArrayLike<number>, shape: Shape, cos: ArrayLike<number>, sin: ArrayLike<number>, half: number, layout: 'interleaved' | 'halves'): Float64Array {
  const dim = shape[shape.length - 1];
  const seq = shape[shape.length - 2];
  const out = Float64Array.from(x as ArrayLike<number>);
  for (let row = 0; row < x.length / dim; row++) {
    const pos = row % seq;
    for (let i = 0; i < half; i++) {
      const [p0, p1] = layout === 'interleaved' ? [2 * i, 2 * i + 1] : [i, i + half];
      const a = x[row * dim + p0];
      const b = x[row * dim + p1];
      const c = cos[pos * half + i];
      const s = sin[pos * half + i];
      out[row * dim + p0] = a * c - b * s;
      out[row * dim + p1] = a * s + b * c;
    }
  }
  return out;
}

/** Options of refAttention (the same meaning as `attend`'s). */
export interface RefAttentionOptions {
  readonly scale: number;
  readonly causal: boolean;
  readonly queryOffset: number;
  readonly kvLength: number;
}

/** softmax(q·kᵀ·scale + causal mask)·v with GQA head sharing, straight from the definition. */
export function refAttention(q: ArrayLike<number>, qShape: Shape, k: ArrayLike<number>, v: ArrayLike<number>, kvShape: Shape, o: RefAttentionOptions): RefTensor {
  const [batch, heads, seqQ, headDim] = qShape;
  const [, kvHeads, seqK] = kvShape;
  const values = new Float64Array(batch * heads * seqQ * headDim);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const kvh = Math.floor(h / (heads / kvHeads));
      for (let i = 0; i < seqQ; i++) {
        const scores: number[] = [];
        for (let j = 0; j < o.kvLength; j++) {
          let s = 0;
          for (let d = 0; d < headDim; d++) s += q[((b * heads + h) * seqQ + i) * headDim + d] * k[((b * kvHeads + kvh) * seqK + j) * headDim + d];
          scores.push(o.causal && j > o.queryOffset + i ? -Infinity : s * o.scale);
        }
        const p = refSoftmaxRow(scores);
        for (let d = 0; d < headDim; d++) {
          let acc = 0;
          for (let j = 0; j < o.kvLength; j++) acc += p[j] * v[((b * kvHeads + kvh) * seqK + j) * headDim + d];
          values[((b * heads + h) * seqQ + i) * headDim + d] = acc;
        }
      }
    }
  }
  return { shape: [batch, heads, seqQ, headDim], values };
}
