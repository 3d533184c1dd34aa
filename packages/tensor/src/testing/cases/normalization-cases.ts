import { gelu, silu, swiglu } from '../../ops/activations';
import { layerNorm, rmsNorm } from '../../ops/normalization';
import { logSoftmax, softmax } from '../../ops/softmax';
import { defineCase, type ConformanceCase } from '../conformance-case';
import { refErf, refLayerNormRow, refLogSumExp, refPermute, refRmsNormRow, refRows, refSoftmaxRow } from '../reference';

const fused = { fused: true };

/** softmax, logSoftmax, layerNorm, rmsNorm, gelu and silu: each also runs over the composite path ([composite]). */
export const normalizationCases: ConformanceCase[] = [
  ...defineCase('softmax: by hand, and rows of odd lengths vs float64', async (c) => {
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const total = e[0] + e[1] + e[2];
    await c.expect('[1, 2, 3]', softmax(c.tensor([1, 2, 3], [3])), { shape: [3], values: e.map((v) => v / total) });
    for (const [rows, n] of [[4, 37], [3, 1], [2, 129], [1, 2048]]) {
      const x = c.random([rows, n], 40 + n, -8, 8);
      await c.expect(`[${rows}, ${n}]`, softmax(x.t), { shape: [rows, n], values: refRows(x.v, n, refSoftmaxRow) });
    }
  }, fused),
  ...defineCase('softmax: large magnitudes [1000, 1001] and [-1000, -1001]', async (c) => {
    const p = 1 / (1 + Math.E); // e^1000 / (e^1000 + e^1001)
    await c.expect('[1000, 1001]', softmax(c.tensor([1000, 1001], [1, 2])), { shape: [1, 2], values: [p, 1 - p] });
    await c.expect('[-1000, -1001]', softmax(c.tensor([-1000, -1001], [1, 2])), { shape: [1, 2], values: [1 - p, p] });
    await c.expect('[1e30, 0]', softmax(c.tensor([1e30, 0], [2])), { shape: [2], values: [1, 0] });
  }, fused),
  ...defineCase('softmax: -Infinity masks, a fully masked row gives zeros, NaN propagates', async (c) => {
    const x = c.tensor([0, -Infinity, 0, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, 1, NaN, 2, 3], [3, 4]);
    await c.expect('masked rows', softmax(x), { shape: [3, 4], values: [0.5, 0, 0.5, 0, 0, 0, 0, 0, NaN, NaN, NaN, NaN] });
  }, fused),
  ...defineCase('softmax: along axis 0 and 1 of [3, 4, 5]', async (c) => {
    const x = c.random([3, 4, 5], 44, -4, 4);
    for (const axis of [0, 1]) {
      // move the axis last, softmax the rows, move it back
      const perm = axis === 0 ? [1, 2, 0] : [0, 2, 1];
      const moved = refPermute(x.v, [3, 4, 5], perm);
      const rowsDone = refRows(moved.values, 3 + axis, refSoftmaxRow);
      const back = axis === 0 ? [2, 0, 1] : [0, 2, 1];
      await c.expect(`axis ${axis}`, softmax(x.t, axis), { shape: [3, 4, 5], values: refPermute(rowsDone, moved.shape, back).values });
    }
  }, fused),
  ...defineCase('logSoftmax: by hand, large magnitudes, axis 0', async (c) => {
    await c.expect('[0, 0]', logSoftmax(c.tensor([0, 0], [2])), { shape: [2], values: [-Math.LN2, -Math.LN2] });
    const lse = 1001 + Math.log1p(Math.exp(-1));
    await c.expect('[1000, 1001]', logSoftmax(c.tensor([1000, 1001], [2])), { shape: [2], values: [1000 - lse, 1001 - lse] });
    await c.expect('with -Infinity', logSoftmax(c.tensor([0, -Infinity], [2])), { shape: [2], values: [0, -Infinity] });
    const x = c.random([4, 3], 45, -5, 5);
    const cols = refPermute(x.v, [4, 3], [1, 0]);
    const expected = refRows(cols.values, 4, (row) => row.map((v) => v - refLogSumExp(row)));
    await c.expect('axis 0', logSoftmax(x.t, 0), { shape: [4, 3], values: refPermute(expected, [3, 4], [1, 0]).values });
  }),
  ...defineCase('layerNorm: with/without gamma and beta vs float64, rows of 768 and 37', async (c) => {
    for (const n of [768, 37]) {
      const x = c.random([3, n], 46 + n, -3, 5);
      const g = c.random([n], 47, 0.5, 1.5);
      const b = c.random([n], 48, -1, 1);
      await c.expect(`[3, ${n}] gamma beta`, layerNorm(x.t, g.t, b.t, 1e-5), { shape: [3, n], values: refRows(x.v, n, (r) => refLayerNormRow(r, g.v, b.v, 1e-5)) });
      await c.expect(`[3, ${n}] plain`, layerNorm(x.t, null, null, 1e-5), { shape: [3, n], values: refRows(x.v, n, (r) => refLayerNormRow(r, null, null, 1e-5)) });
      await c.expect(`[3, ${n}] gamma only, eps 1e-12`, layerNorm(x.t, g.t, null, 1e-12), { shape: [3, n], values: refRows(x.v, n, (r) => refLayerNormRow(r, g.v, null, 1e-12)) });
    }
    const batched = c.random([2, 3, 8], 49, -2, 2);
    await c.expect('[2, 3, 8]', layerNorm(batched.t), { shape: [2, 3, 8], values: refRows(batched.v, 8, (r) => refLayerNormRow(r, null, null, 1e-5)) });
  }, fused),
  ...defineCase('layerNorm: rows offset by 1e4 (a one-pass E[x²] − E[x]² loses them), constant rows', async (c) => {
    // NOTE: deviations are multiples of 1/8 with a row mean float32 holds exactly (float32's spacing at 1e4 is
    // 2^-10), so the case tests the variance algorithm rather than float32's resolution of the mean.
    const dev = [-1.5, -0.625, 0.25, 2.125, -0.875, 0.5, 1.375, -1.25];
    const rows = [1e4, -2e4, 16384].flatMap((offset) => dev.map((d) => offset + d));
    const expected = refRows(rows, 8, (r) => refLayerNormRow(r, null, null, 1e-5));
    await c.expect('offset rows', layerNorm(c.tensor(rows, [3, 8]), null, null, 1e-5), { shape: [3, 8], values: expected });
    const beta = c.tensor([1, 2, 3, 4], [4]);
    // variance 0: (x − mean) = 0, so the output is beta
    await c.expect('constant row', layerNorm(c.tensor([7, 7, 7, 7], [1, 4]), null, beta, 1e-5), { shape: [1, 4], values: [1, 2, 3, 4] });
  }, fused),
  ...defineCase('layerNorm / rmsNorm: parameter shape errors name the shapes', async (c) => {
    const x = c.tensor(new Array(6).fill(1), [2, 3]);
    await c.expectError('gamma [4]', () => layerNorm(x, c.tensor([1, 1, 1, 1], [4])), '[4]', '[2, 3]');
    await c.expectError('gamma [3, 1]', () => rmsNorm(x, c.tensor([1, 1, 1], [3, 1])), '[3, 1]');
  }),
  ...defineCase('rmsNorm: by hand and vs float64, with and without gamma', async (c) => {
    const r = Math.sqrt(12.5); // rms of [3, 4]
    await c.expect('[3, 4]', rmsNorm(c.tensor([3, 4], [1, 2]), c.tensor([1, 2], [2]), 0), { shape: [1, 2], values: [3 / r, 8 / r] });
    const x = c.random([5, 64], 50, -2, 2);
    const g = c.random([64], 51, 0.5, 1.5);
    await c.expect('[5, 64] gamma', rmsNorm(x.t, g.t, 1e-5), { shape: [5, 64], values: refRows(x.v, 64, (row) => refRmsNormRow(row, g.v, 1e-5)) });
    await c.expect('[5, 64] plain eps 1e-6', rmsNorm(x.t, null, 1e-6), { shape: [5, 64], values: refRows(x.v, 64, (row) => refRmsNormRow(row, null, 1e-6)) });
    await c.expect('zero row', rmsNorm(c.tensor([0, 0], [1, 2]), null, 1e-5), { shape: [1, 2], values: [0, 0] });
  }, fused),
  ...defineCase('gelu: exact (erf) and tanh approximation vs closed form', async (c) => {
    const xs = Float32Array.from([-6, -3, -1.5, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 1.5, 3, 6, 10]);
    const exact = Array.from(xs, (v) => 0.5 * v * (1 + refErf(v / Math.SQRT2)));
    const approx = Array.from(xs, (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
    await c.expect('exact', gelu(c.tensor(xs, [2, 7])), { shape: [2, 7], values: exact });
    await c.expect('tanh', gelu(c.tensor(xs, [2, 7]), 'tanh'), { shape: [2, 7], values: approx });
    await c.expect('gelu(1) = Φ(1)', gelu(c.tensor([1], [1])), { shape: [1], values: [0.8413447460685429] });
  }, fused),
  ...defineCase('silu: x·sigmoid(x) vs closed form', async (c) => {
    const xs = Float32Array.from([-20, -5, -1, -0.25, 0, 0.25, 1, 5, 20]);
    await c.expect('silu', silu(c.tensor(xs, [9])), { shape: [9], values: Array.from(xs, (v) => v / (1 + Math.exp(-v))) });
  }, fused),
  ...defineCase('swiglu: silu(gate)·up vs closed form', async (c) => {
    const gate = Float32Array.from([-20, -5, -1, -0.25, 0, 0.25, 1, 5, 20]);
    const up = Float32Array.from([3, -2, 0.5, 4, 7, -1, 2, 0.125, -0.5]);
    const expected = Array.from(gate, (g, i) => (g / (1 + Math.exp(-g))) * up[i]);
    await c.expect('swiglu', swiglu(c.tensor(gate, [3, 3]), c.tensor(up, [3, 3])), { shape: [3, 3], values: expected });
  }, fused),
];
