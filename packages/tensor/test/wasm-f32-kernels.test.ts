import { beforeEach, describe, expect, it } from 'vitest';
import { ATTENTION_MAX_HEAD_DIM, F32_BINARY_OPS } from '../src/cpu/wasm/f32-kernels';
import { refAttention, refErf, refLayerNormRow, refMatmul, refRmsNormRow, refRotary, refRows, refSoftmaxRow } from '../src/testing/reference';
import { firstMismatch, randoms, TestHeap } from './f32-heap';

// Each kernel of kernels.wat against a float64 reference on random inputs, sizes not multiples of the tiles.
// Float32 arithmetic is held to ~1e-5 relative (of the sum's scale for reductions); exp/erf to ~1e-6.

const heap = new TestHeap();
const K = heap.kernels;
const S = heap.scratch[0];
beforeEach(() => heap.reset());

/**
 * erfc in float64 for the tails: 1 − erf (the reference's Maclaurin series) below 2, the continued fraction
 * e^(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))) from 2 on (both far below float32 error).
 */
function erfc(z: number): number {
  if (z < 2) return 1 - refErf(z);
  let t = z;
  for (let i = 80; i >= 1; i--) t = z + i / 2 / t;
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / t;
}

/** |a − e| ≤ atol + rtol·|e| */
function rel(expected: ArrayLike<number>, rtol: number, atol: number): (i: number) => number {
  return (i) => atol + rtol * Math.abs(expected[i]);
}

describe('gemm', () => {
  it.each([
    // m, n, k
    [1, 1, 1],
    [7, 13, 5],
    [4, 8, 8],
    [33, 17, 300], // two k blocks (the second one accumulates on the stored C)
    [11, 21, 300], // three rows left over past the tiles, a column tail, two k blocks
    [5, 450, 300], // two column blocks of packed B
    [128, 288, 288], // a stories15M prompt: [128×288]·[288×288]ᵀ
    [64, 768, 97],
    [3, 40, 1000],
  ])('[%i×k]·op(B), n=%i, k=%i: both layouts of B equal the float64 product', (m, n, k) => {
    const a = randoms(m * k, m + 1);
    const b = randoms(n * k, n + 2);
    for (const transB of [0, 1]) {
      heap.reset();
      const c = heap.alloc(m * n);
      K.gemm(heap.put(a), heap.put(b), c, m, n, k, transB, S, 0, m);
      const ref = refMatmul(a, [m, k], b, transB ? [n, k] : [k, n], false, transB === 1).values;
      // the float32 sum's error bound scales with Σ|a·b| (≤ k here), not with the (cancelling) result
      const scale = refMatmul(a.map(Math.abs), [m, k], b.map(Math.abs), transB ? [n, k] : [k, n], false, transB === 1).values;
      expect(firstMismatch(heap.read(c, m * n), ref, (i) => 1e-6 + 2e-6 * scale[i]), `transB=${transB}`).toBeNull();
    }
  });

  it('k = 0 writes zeros (an empty sum)', () => {
    const c = heap.alloc(6);
    K.gemm(heap.alloc(0), heap.alloc(0), c, 2, 3, 0, 1, S, 0, 2);
    expect(Array.from(heap.read(c, 6))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('writes only the rows of its range and nothing past C', () => {
    const [m, n, k] = [9, 11, 6];
    const c = heap.alloc(m * n + 8, -7);
    K.gemm(heap.put(randoms(m * k, 1)), heap.put(randoms(n * k, 2)), c, m, n, k, 1, S, 3, 6);
    const out = heap.read(c, m * n + 8);
    for (let i = 0; i < out.length; i++) {
      const row = Math.floor(i / n);
      if (row < 3 || row >= 6) expect(out[i], `element ${i}`).toBe(-7);
      else expect(out[i]).not.toBe(-7);
    }
  });
});

describe('gemv', () => {
  it.each([
    [1, 1],
    [3, 1021],
    [511, 7],
    [768, 288],
    [13, 64],
    [288, 32],
    [77, 301], // groups of eight rows 9 apart, each with a tail of 5, then 5 rows alone
  ])('W [%i, %i]: y = W·x equals the float64 product', (n, k) => {
    const x = randoms(k, 3);
    const w = randoms(n * k, 4);
    const y = heap.alloc(n);
    K.gemv(heap.put(x), heap.put(w), y, n, k, S, 0, n);
    const ref = refMatmul(w, [n, k], x, [k, 1]).values;
    const scale = refMatmul(w.map(Math.abs), [n, k], x.map(Math.abs), [k, 1]).values;
    expect(firstMismatch(heap.read(y, n), ref, (i) => 1e-6 + 2e-6 * scale[i])).toBeNull();
  });
});

describe('attention', () => {
  it.each([
    // batch, heads, kvHeads, seqQ, kvCapacity, kvLength, headDim, causal, queryOffset
    [1, 8, 4, 1, 32, 17, 8, true, 16], // a stories260K decode step (GQA 8 on 4)
    [2, 6, 2, 5, 12, 9, 13, true, 4], // a prompt chunk, odd head dimension
    [1, 4, 4, 3, 7, 7, 64, false, 0],
    [1, 3, 1, 4, 10, 10, 20, true, 6], // 16 + 4 dimensions
    [1, 2, 2, 4, 10, 10, 19, true, 6], // 16 + 3
    [1, 2, 1, 5, 8, 6, 8, true, -2], // the first rows see no key: zeros
    [1, 2, 1, 2, 9000, 9000, 4, false, 0], // longer than one chunk of scores (8192): the online rescaling
    [1, 2, 2, 3, 9100, 9001, 6, true, 8998],
    [1, 1, 1, 2, 3, 3, ATTENTION_MAX_HEAD_DIM, false, 0], // the largest head dimension the scratch holds
  ])('B=%i H=%i KVH=%i seqQ=%i cap=%i len=%i D=%i causal=%s offset=%i', (batch, heads, kvHeads, seqQ, cap, kvLength, headDim, causal, queryOffset) => {
    const q = randoms(batch * heads * seqQ * headDim, 21, -2, 2);
    const k = randoms(batch * kvHeads * cap * headDim, 22, -2, 2);
    const v = randoms(batch * kvHeads * cap * headDim, 23);
    const scale = 1 / Math.sqrt(headDim);
    const out = heap.alloc(q.length);
    K.attention(heap.put(q), heap.put(k), heap.put(v), out, seqQ, kvLength, cap, headDim, heads, kvHeads, scale, causal ? 1 : 0, queryOffset, S, 0, batch * heads);
    const ref = refAttention(q, [batch, heads, seqQ, headDim], k, v, [batch, kvHeads, cap, headDim], { scale, causal, queryOffset, kvLength }).values;
    expect(firstMismatch(heap.read(out, q.length), ref, rel(ref, 1e-5, 2e-6))).toBeNull();
  });

  it('a query whose scores are all -Infinity gets zeros, one with a NaN score gets NaN', () => {
    const k = [1, 1, 2, 1]; // no zero: −∞·0 would be NaN
    const v = [1, 2, 3, 4];
    const q = [-Infinity, -Infinity, NaN, 1]; // two heads (B=1, H=2, seqQ=1, D=2) over one k/v head
    const out = heap.alloc(4);
    K.attention(heap.put(q), heap.put(k), heap.put(v), out, 1, 2, 2, 2, 2, 1, 1, 0, 0, S, 0, 2);
    const o = heap.read(out, 4);
    expect(Array.from(o.subarray(0, 2))).toEqual([0, 0]);
    expect(Array.from(o.subarray(2)).every(Number.isNaN)).toBe(true);
  });
});

describe('norms and softmax', () => {
  it.each([[1], [3], [8], [37], [288], [771]])('rmsnorm, layernorm and softmax over rows of %i', (dim) => {
    const rows = 5;
    const x = randoms(rows * dim, dim, -3, 5); // off-centre, so layernorm's mean matters
    const g = randoms(dim, 7, 0.5, 1.5);
    const b = randoms(dim, 8);
    const eps = 1e-5;
    const xp = heap.put(x);
    const gp = heap.put(g);
    const bp = heap.put(b);
    const y = heap.alloc(rows * dim);
    K.rmsnorm(xp, gp, y, dim, eps, S, 0, rows);
    expect(firstMismatch(heap.read(y, rows * dim), refRows(x, dim, (r) => refRmsNormRow(r, g, eps)), (i) => 1e-6 + 1e-5 * Math.abs(x[i] * g[i % dim])), 'rmsnorm').toBeNull();
    K.rmsnorm(xp, 0, y, dim, eps, S, 0, rows);
    const plainRms = refRows(x, dim, (r) => refRmsNormRow(r, null, eps));
    expect(firstMismatch(heap.read(y, rows * dim), plainRms, rel(plainRms, 1e-5, 1e-6)), 'rmsnorm, no gamma').toBeNull();
    for (const [gamma, beta] of [[gp, bp], [0, 0], [gp, 0], [0, bp]]) {
      K.layernorm(xp, gamma, beta, y, dim, eps, S, 0, rows);
      const ref = refRows(x, dim, (r) => refLayerNormRow(r, gamma ? g : null, beta ? b : null, eps));
      expect(firstMismatch(heap.read(y, rows * dim), ref, (i) => (dim === 1 ? 1e-6 : 2e-5) + 1e-5 * Math.abs(ref[i])), `layernorm gamma=${gamma} beta=${beta}`).toBeNull();
    }
    K.softmax(xp, y, dim, S, 0, rows);
    const sm = refRows(x, dim, refSoftmaxRow);
    expect(firstMismatch(heap.read(y, rows * dim), sm, rel(sm, 2e-6, 1e-9)), 'softmax').toBeNull();
  });

  it('softmax: a row of -Infinity is zeros, a NaN row stays NaN, large spreads underflow to 0 cleanly', () => {
    const x = [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, 1, NaN, 2, 3, 4, 0, -100, 80, -Infinity, 5];
    const y = heap.alloc(15);
    K.softmax(heap.put(x), y, 5, S, 0, 3);
    const out = heap.read(y, 15);
    expect(Array.from(out.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]);
    expect(out.subarray(5, 10).every(Number.isNaN)).toBe(true);
    const ref = refSoftmaxRow(x.slice(10));
    expect(firstMismatch(out.subarray(10), ref, rel(ref, 2e-6, 1e-30))).toBeNull();
  });

  it('rmsnorm and layernorm may write in place', () => {
    const x = randoms(2 * 19, 5);
    const xp = heap.put(x);
    K.layernorm(xp, 0, 0, xp, 19, 1e-5, S, 0, 2);
    const ref = refRows(x, 19, (r) => refLayerNormRow(r, null, null, 1e-5));
    expect(firstMismatch(heap.read(xp, 38), ref, rel(ref, 1e-5, 2e-5))).toBeNull();
  });
});

describe('argmax', () => {
  /** By definition: the first NaN's index if the row has one, else the first index holding the row's maximum. */
  function firstArgmax(row: ArrayLike<number>): number {
    const values = Array.from(row);
    const nan = values.findIndex(Number.isNaN);
    if (nan >= 0) return nan;
    const max = values.reduce((a, b) => Math.max(a, b), -Infinity);
    return values.findIndex((v) => v === max);
  }
  const argmaxRows = (x: ArrayLike<number>, n: number, rows: number): number[] => {
    const y = heap.alloc(rows);
    K.argmax(heap.put(x), y, n, S, 0, rows);
    return Array.from(new Int32Array(heap.memory.buffer, y, rows));
  };
  const expected = (x: ArrayLike<number>, n: number) => Array.from({ length: x.length / n }, (_, r) => firstArgmax(Array.from(x).slice(r * n, (r + 1) * n)));

  it.each([[1], [3], [4], [5], [8], [37], [288], [32000]])('rows of %i: the first index of the maximum', (n) => {
    const rows = 3;
    const x = randoms(rows * n, n + 11, -4, 4);
    expect(argmaxRows(x, n, rows)).toEqual(expected(x, n));
  });

  it('ties go to the first index, in any lane and in the tail; ±0 tie; -Infinity rows give 0', () => {
    const n = 11; // two vectors of four, a tail of three
    const rows = [
      [0, 1, 5, 2, 3, 5, 5, 1, 0, 5, 5], // the max first in lane 2, again in lanes 1, 2 and the tail
      [1, 2, 3, 4, 9, 0, 0, 9, 9, 0, 9], // first in the second vector's lane 0; later ones in lane 3 and the tail
      [-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -0.5], // the max alone in the tail
      [-0, 0, -1, -1, 0, -0, -2, -2, -3, -3, 0], // -0 and +0 compare equal: the first (index 0)
      Array(n).fill(-Infinity),
      [3, 2, 1, 0, 7, 7, 7, 7, 7, 7, 7], // equal maxima in all four lanes: the smallest index
    ];
    const x = rows.flat();
    expect(argmaxRows(x, n, rows.length)).toEqual([2, 4, 10, 0, 0, 4]);
    expect(argmaxRows(x, n, rows.length)).toEqual(expected(x, n));
  });

  it('a NaN counts as the largest: the index of the first one, wherever it falls', () => {
    const n = 13;
    const rows = [
      [1, 2, 3, 4, 5, 6, 7, NaN, 9, NaN, 0, 0, 0],
      [NaN, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 0],
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, NaN], // in the tail only
      [100, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, NaN, NaN],
    ];
    expect(argmaxRows(rows.flat(), n, rows.length)).toEqual([7, 0, 12, 11]);
    expect(argmaxRows([5, NaN, 1], 3, 1)).toEqual([1]); // a row shorter than a vector
  });

  it('writes only the rows of its range', () => {
    const n = 9;
    const x = randoms(6 * n, 21);
    const y = heap.alloc(6, -7);
    K.argmax(heap.put(x), y, n, S, 2, 5);
    const got = Array.from(new Int32Array(heap.memory.buffer, y, 6));
    const all = expected(x, n);
    expect(got.slice(2, 5)).toEqual(all.slice(2, 5));
    expect(new Float32Array(heap.memory.buffer, y, 6).filter((v, i) => (i < 2 || i >= 5) && v === -7).length).toBe(3);
  });
});

describe('rope', () => {
  it.each([
    ['interleaved', 0, 8, 4],
    ['interleaved', 0, 10, 3], // an odd number of pairs, dimensions past the rotary ones
    ['halves', 1, 16, 8],
    ['halves', 1, 14, 6],
  ] as const)('%s, dim %i, half %i', (layout, code, dim, half) => {
    const seq = 5;
    const rows = 3 * seq;
    const x = randoms(rows * dim, dim);
    const angle = Float32Array.from({ length: seq * half }, (_, t) => Math.floor(t / half) * 0.37 ** (t % half));
    const cos = angle.map(Math.cos);
    const sin = angle.map(Math.sin);
    const ref = refRotary(x, [3, seq, dim], cos, sin, half, layout);
    const xp = heap.put(x);
    const y = heap.alloc(rows * dim);
    const cp = heap.put(cos);
    const sp = heap.put(sin);
    K.rope(xp, cp, sp, y, seq, dim, half, code, S, 0, rows);
    expect(firstMismatch(heap.read(y, rows * dim), ref, (i) => 1e-6 + 1e-6 * Math.abs(ref[i]))).toBeNull();
    K.rope(xp, cp, sp, xp, seq, dim, half, code, S, 0, rows); // in place
    expect(firstMismatch(heap.read(xp, rows * dim), ref, (i) => 1e-6 + 1e-6 * Math.abs(ref[i]))).toBeNull();
  });
});

describe('elementwise', () => {
  // every float32 exponent range that matters, plus the special values
  const x = Float32Array.from([
    ...randoms(301, 9, -12, 12), ...randoms(50, 10, -100, 100), ...randoms(20, 11, -1e-3, 1e-3),
    0, -0, 88, 89, -88, -89, 1e-30, -1e-30, Infinity, -Infinity, NaN, 3e38, -3e38,
  ]);
  const n = x.length;
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const phi = (v: number) => (v < 0 ? 0.5 * erfc(-v * Math.SQRT1_2) : 1 - 0.5 * erfc(v * Math.SQRT1_2));
  const tanhGelu = (v: number) => v * sigmoid(2 * Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v));
  const cases = [
    ['silu', (v: number) => v * sigmoid(v), (xp: number, y: number, count: number) => K.silu(xp, y, S, 0, count)],
    ['gelu (erf)', (v: number) => v * phi(v), (xp: number, y: number, count: number) => K.gelu(xp, y, 0, S, 0, count)],
    ['gelu (tanh)', tanhGelu, (xp: number, y: number, count: number) => K.gelu(xp, y, 1, S, 0, count)],
  ] as const;

  it.each(cases)('%s equals the float64 function to 1e-6 relative (1e-7 absolute)', (_, f, run) => {
    const y = heap.alloc(n);
    run(heap.put(x), y, n);
    const ref = Float64Array.from(x, f);
    expect(firstMismatch(heap.read(y, n), ref, rel(ref, 1e-6, 1e-7))).toBeNull();
  });

  it.each(cases)('%s keeps its relative precision in the negative tail (no cancellation)', (_, f, run) => {
    const tail = randoms(200, 15, -9, -2.5); // σ / Φ down to ~1e-19; results stay normal floats
    const y = heap.alloc(tail.length);
    run(heap.put(tail), y, tail.length);
    const ref = Float64Array.from(tail, f);
    // float32 inputs to e^(large argument): the argument's own rounding (~1e-7 relative) scales by its size
    expect(firstMismatch(heap.read(y, tail.length), ref, rel(ref, 1e-5, 0))).toBeNull();
  });

  it.each(cases)('%s at the ends of float32 e^x (arguments near ±88, results near the smallest normals)', (_, f, run) => {
    const ends = Float32Array.from([...randoms(100, 16, -100, -80), ...randoms(100, 17, -10.1, -9.9)]);
    const y = heap.alloc(ends.length);
    run(heap.put(ends), y, ends.length);
    const ref = Float64Array.from(ends, f);
    // e^(±88) carries its argument's rounding (88 × 6e-8); subnormal results (< 1.2e-38) have fewer significant bits
    expect(firstMismatch(heap.read(y, ends.length), ref, rel(ref, 2e-5, 1e-42))).toBeNull();
  });

  it('swiglu = silu(gate)·up', () => {
    const up = randoms(n, 12, -2, 2);
    const y = heap.alloc(n);
    K.swiglu(heap.put(x), heap.put(up), y, S, 0, n);
    const ref = Float64Array.from(x, (v, i) => v * sigmoid(v) * up[i]);
    expect(firstMismatch(heap.read(y, n), ref, rel(ref, 1e-6, 1e-7))).toBeNull();
  });

  it.each(Object.entries(F32_BINARY_OPS))('binary and binaryRow: %s', (name, op) => {
    const f = { add: (p: number, q: number) => p + q, sub: (p: number, q: number) => p - q, mul: (p: number, q: number) => p * q, div: (p: number, q: number) => p / q }[name as keyof typeof F32_BINARY_OPS];
    const [rows, cols] = [7, 23];
    const a = randoms(rows * cols, 13, -3, 3);
    const b = randoms(rows * cols, 14, -3, 3);
    const ap = heap.put(a);
    const bp = heap.put(b);
    const y = heap.alloc(rows * cols);
    K.binary(op, ap, bp, y, S, 0, rows * cols);
    // one float32 operation: exactly the float64 result rounded once
    expect(Array.from(heap.read(y, rows * cols))).toEqual(Array.from(Float32Array.from(a, (v, i) => f(v, b[i]))));
    K.binaryRow(op, ap, bp, y, cols, S, 0, rows);
    expect(Array.from(heap.read(y, rows * cols))).toEqual(Array.from(Float32Array.from(a, (v, i) => f(v, b[i % cols]))));
  });

  it('binary traps on an unknown op rather than leave y unwritten', () => {
    expect(() => K.binary(4, heap.alloc(4), heap.alloc(4), heap.alloc(4), S, 0, 4)).toThrow(WebAssembly.RuntimeError);
  });
});
