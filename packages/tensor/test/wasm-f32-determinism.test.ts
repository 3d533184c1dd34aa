import { beforeEach, describe, expect, it } from 'vitest';
import { randoms, runSplit, TestHeap } from './f32-heap';

// DETERMINISM (the engine contract): a kernel's output bits must not depend on how [0, total) is split into
// calls (threads), nor on where a tile boundary falls. Each kernel runs once over the whole range, then over
// several splits — edges in the middle of gemm's 4-row tiles, one output per call, uneven chunks — and every
// output must have the same bits.

const heap = new TestHeap();
const K = heap.kernels;
beforeEach(() => heap.reset());

/** Cut patterns for a range of `total`: halves, uneven chunks, cuts inside 4-row tiles, every single index. */
function splits(total: number): number[][] {
  return [
    [Math.floor(total / 2)],
    [1, 3, 6, 7, Math.floor(total / 3), total - 2],
    Array.from({ length: Math.ceil(total / 5) }, (_, i) => 5 * i + 1),
    Array.from({ length: total }, (_, i) => i),
  ];
}

/**
 * Runs `call` over the whole range into `out` (floats), then over each split into a fresh copy of it, and
 * expects identical bits. `call(begin, end, scratch, out)` writes into the block at `out`.
 */
function expectSameBitsForEverySplit(total: number, outFloats: number, call: (begin: number, end: number, scratch: number, out: number) => void): void {
  const whole = heap.alloc(outFloats);
  call(0, total, heap.scratch[0], whole);
  const expected = new Uint32Array(heap.read(whole, outFloats).buffer);
  expect(new Float32Array(expected.buffer).some(Number.isNaN), 'the kernel left outputs unwritten').toBe(false);
  for (const cuts of splits(total)) {
    const out = heap.alloc(outFloats);
    runSplit(heap, total, cuts, (begin, end, scratch) => call(begin, end, scratch, out));
    const got = new Uint32Array(heap.read(out, outFloats).buffer);
    const at = got.findIndex((bits, i) => bits !== expected[i]);
    expect(at, `split at ${cuts.slice(0, 8).join(',')}${cuts.length > 8 ? ',…' : ''}: first differing output`).toBe(-1);
  }
}

describe('the same bits for any split of the outer index', () => {
  it.each([
    [0, 23, 37, 300],
    [1, 23, 37, 300],
    [1, 41, 450, 29], // two column blocks of packed B
    [0, 70, 21, 260], // two 4-row-aligned blocks of packed A (mc = 60 at kc = 130), then 2 leftover rows
    [1, 70, 21, 260],
  ])('gemm transB=%i [%i×%i]·k=%i (rows)', (transB, m, n, k) => {
    const a = heap.put(randoms(m * k, 1));
    const b = heap.put(randoms(n * k, 2));
    expectSameBitsForEverySplit(m, m * n, (begin, end, scratch, c) => K.gemm(a, b, c, m, n, k, transB, scratch, begin, end));
  });

  it.each([0, 1])('gemm transB=%i: a row has the same bits in a 1-, 2-, 3-row product (other paths) as inside 4-row tiles', (transB) => {
    const [m, n, k] = [8, 45, 263];
    const a = heap.put(randoms(m * k, 15));
    const b = heap.put(randoms(n * k, 16));
    const whole = heap.alloc(m * n);
    K.gemm(a, b, whole, m, n, k, transB, heap.scratch[0], 0, m);
    const expected = new Uint32Array(heap.read(whole, m * n).buffer);
    for (const rows of [1, 2, 3]) {
      const c = heap.alloc(rows * n);
      K.gemm(a + 4 * k * (m - rows), b, c, rows, n, k, transB, heap.scratch[1], 0, rows); // the last rows of A
      expect(Array.from(new Uint32Array(heap.read(c, rows * n).buffer)), `${rows} rows`).toEqual(Array.from(expected.subarray((m - rows) * n)));
    }
  });

  it('gemv (rows of W)', () => {
    const [n, k] = [67, 301];
    const x = heap.put(randoms(k, 3));
    const w = heap.put(randoms(n * k, 4));
    expectSameBitsForEverySplit(n, n, (begin, end, scratch, y) => K.gemv(x, w, y, n, k, scratch, begin, end));
  });

  it('attention (batch·heads), GQA, causal prompt chunk', () => {
    const [batch, heads, kvHeads, seqQ, cap, len, d] = [2, 6, 3, 5, 16, 11, 12];
    const q = heap.put(randoms(batch * heads * seqQ * d, 5));
    const k = heap.put(randoms(batch * kvHeads * cap * d, 6));
    const v = heap.put(randoms(batch * kvHeads * cap * d, 7));
    expectSameBitsForEverySplit(batch * heads, batch * heads * seqQ * d, (begin, end, scratch, out) =>
      K.attention(q, k, v, out, seqQ, len, cap, d, heads, kvHeads, 0.3, 1, 6, scratch, begin, end));
  });

  it('rmsnorm, layernorm, softmax, argmax, rope (rows)', () => {
    const [rows, dim] = [19, 45];
    const x = heap.put(randoms(rows * dim, 8, -2, 3));
    const g = heap.put(randoms(dim, 9));
    const b = heap.put(randoms(dim, 10));
    const cos = heap.put(randoms(19 * 20, 11));
    const sin = heap.put(randoms(19 * 20, 12));
    expectSameBitsForEverySplit(rows, rows * dim, (begin, end, s, y) => K.rmsnorm(x, g, y, dim, 1e-5, s, begin, end));
    expectSameBitsForEverySplit(rows, rows * dim, (begin, end, s, y) => K.layernorm(x, g, b, y, dim, 1e-5, s, begin, end));
    expectSameBitsForEverySplit(rows, rows * dim, (begin, end, s, y) => K.softmax(x, y, dim, s, begin, end));
    expectSameBitsForEverySplit(rows, rows, (begin, end, s, y) => K.argmax(x, y, dim, s, begin, end));
    for (const layout of [0, 1]) {
      expectSameBitsForEverySplit(rows, rows * dim, (begin, end, s, y) => K.rope(x, cos, sin, y, 19, dim, 20, layout, s, begin, end));
    }
  });

  it('silu, gelu, swiglu, binary (elements) and binaryRow (rows)', () => {
    const n = 103;
    const x = heap.put(randoms(n, 13, -6, 6));
    const u = heap.put(randoms(n, 14, -6, 6));
    expectSameBitsForEverySplit(n, n, (begin, end, s, y) => K.silu(x, y, s, begin, end));
    expectSameBitsForEverySplit(n, n, (begin, end, s, y) => K.gelu(x, y, 0, s, begin, end));
    expectSameBitsForEverySplit(n, n, (begin, end, s, y) => K.gelu(x, y, 1, s, begin, end));
    expectSameBitsForEverySplit(n, n, (begin, end, s, y) => K.swiglu(x, u, y, s, begin, end));
    expectSameBitsForEverySplit(n, n, (begin, end, s, y) => K.binary(3, x, u, y, s, begin, end));
    expectSameBitsForEverySplit(9, 9 * 11, (begin, end, s, y) => K.binaryRow(0, x, u, y, 11, s, begin, end));
  });

  it('in place (output = input) gives the same bits as out of place, where the contract allows it', () => {
    const n = 6 * 29;
    const x = randoms(n, 18, -4, 4);
    const u = randoms(n, 19, -4, 4);
    const runs: [string, (input: number, out: number, other: number) => void][] = [
      ['softmax', (i, o) => K.softmax(i, o, 29, heap.scratch[0], 0, 6)],
      ['layernorm', (i, o) => K.layernorm(i, 0, 0, o, 29, 1e-5, heap.scratch[0], 0, 6)],
      ['silu', (i, o) => K.silu(i, o, heap.scratch[0], 0, n)],
      ['gelu', (i, o) => K.gelu(i, o, 0, heap.scratch[0], 0, n)],
      ['swiglu', (i, o, other) => K.swiglu(i, other, o, heap.scratch[0], 0, n)],
      ['binary', (i, o, other) => K.binary(3, i, other, o, heap.scratch[0], 0, n)],
      ['binaryRow', (i, o, other) => K.binaryRow(1, i, other, o, 29, heap.scratch[0], 0, 6)],
      // q [1, 6, 1, 29] over k/v [1, 1, 6, 29]: out = q
      ['attention', (i, o, other) => K.attention(i, other, other, o, 1, 6, 6, 29, 6, 1, 0.2, 0, 0, heap.scratch[0], 0, 6)],
    ];
    for (const [name, run] of runs) {
      heap.reset();
      const other = heap.put(u);
      const input = heap.put(x);
      const out = heap.alloc(n);
      run(input, out, other);
      run(input, input, other);
      expect(Array.from(new Uint32Array(heap.read(input, n).buffer)), name).toEqual(Array.from(new Uint32Array(heap.read(out, n).buffer)));
    }
  });

  it('the build for a non-shared memory (no SharedArrayBuffer) gives the same bits as the shared one', () => {
    const plain = new TestHeap(64, false);
    expect(plain.memory.buffer).toBeInstanceOf(ArrayBuffer);
    const [m, n, k] = [9, 21, 37];
    const a = randoms(m * k, 20);
    const b = randoms(n * k, 21);
    const results = [heap, plain].map((h) => {
      h.reset();
      const c = h.alloc(m * n);
      h.kernels.gemm(h.put(a), h.put(b), c, m, n, k, 1, h.scratch[0], 0, m);
      const y = h.alloc(m * n);
      h.kernels.gelu(c, y, 0, h.scratch[0], 0, m * n);
      return Array.from(new Uint32Array(h.read(y, m * n).buffer));
    });
    expect(results[1]).toEqual(results[0]);
  });
});
