import { castTo } from '../../ops/elementwise';
import { gather } from '../../ops/gather';
import { concat, permute, slice, split, stack, transpose, writeSlice } from '../../ops/layout';
import { tril, triu } from '../../ops/triangular';
import { maskedFill, where } from '../../ops/where';
import { defineCase, type ConformanceCase } from '../conformance-case';
import { refPermute, refWhere } from '../reference';

const iota = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

export const layoutCases: ConformanceCase[] = [
  ...defineCase('gather: embedding rows by [2, 3] ids, axis 1, negative axis, int32 table, repeats', async (c) => {
    const table = c.tensor(iota(12), [4, 3]); // row r = [3r, 3r+1, 3r+2]
    const ids = c.tensor([3, 0, 3, 1, 2, 1], [2, 3], 'int32');
    await c.expect('axis 0', gather(table, ids), { shape: [2, 3, 3], values: [3, 0, 3, 1, 2, 1].flatMap((r) => [3 * r, 3 * r + 1, 3 * r + 2]) });
    const cols = c.tensor([2, 0], [2], 'int32');
    await c.expect('axis 1', gather(table, cols, 1), { shape: [4, 2], values: [2, 0, 5, 3, 8, 6, 11, 9] });
    await c.expect('axis -1', gather(table, cols, -1), { shape: [4, 2], values: [2, 0, 5, 3, 8, 6, 11, 9] });
    const intTable = c.tensor([10, 20, 30], [3], 'int32');
    await c.expect('int32 table', gather(intTable, c.tensor([2, 2, 0], [3], 'int32')), { shape: [3], values: [30, 30, 10], dtype: 'int32' });
    await c.expect('rank-0 id', gather(table, c.tensor([1], [], 'int32')), { shape: [3], values: [3, 4, 5] });
  }),
  ...defineCase('gather: an id out of range is an error naming it', async (c) => {
    const table = c.tensor(iota(12), [4, 3]);
    await c.expectError('id 4 of 4 rows', () => gather(table, c.tensor([0, 4], [2], 'int32')), '4');
    await c.expectError('id -1', () => gather(table, c.tensor([-1], [1], 'int32')), '-1');
    await c.expectError('float ids', () => gather(table, c.tensor([0], [1])), 'int32');
  }),
  ...defineCase('slice / split: blocks, -1 sizes, empty slices', async (c) => {
    const x = c.tensor(iota(24), [2, 3, 4]);
    await c.expect('[1, 1, 1] + [1, 2, 2]', slice(x, [1, 1, 1], [1, 2, 2]), { shape: [1, 2, 2], values: [17, 18, 21, 22] });
    await c.expect('-1 size', slice(x, [0, 2, 0], [-1, -1, 2]), { shape: [2, 1, 2], values: [8, 9, 20, 21] });
    await c.expect('empty', slice(x, [0, 0, 4], [2, 3, 0]), { shape: [2, 3, 0], values: [] });
    await c.expect('whole', slice(x, [0, 0, 0], [2, 3, 4]), { shape: [2, 3, 4], values: iota(24) });
    const [a, b] = split(x, [1, 3], -1).map((t) => c.track(t));
    await c.expect('split sizes [1, 3] first', a, { shape: [2, 3, 1], values: [0, 4, 8, 12, 16, 20] });
    await c.expect('split sizes [1, 3] second', b, { shape: [2, 3, 3], values: iota(24).filter((v) => v % 4 !== 0) });
    const parts = split(x, 3, 1).map((t) => c.track(t));
    for (let i = 0; i < 3; i++) await c.expect(`split in 3 part ${i}`, parts[i], { shape: [2, 1, 4], values: [...iota(4, 4 * i), ...iota(4, 12 + 4 * i)] });
    await c.expectError('out of range', () => slice(x, [0, 2, 0], [2, 2, 4]), '[2, 3, 4]');
    await c.expectError('uneven split', () => void split(x, 5, -1), '[2, 3, 4]');
  }),
  ...defineCase('concat / stack: every axis, int32 and bool, an empty part', async (c) => {
    const a = c.tensor([1, 2, 3, 4], [2, 2]);
    const b = c.tensor([5, 6], [1, 2]);
    await c.expect('axis 0', concat([a, b], 0), { shape: [3, 2], values: [1, 2, 3, 4, 5, 6] });
    const col = c.tensor([7, 8], [2, 1]);
    await c.expect('axis -1', concat([a, col, a], -1), { shape: [2, 5], values: [1, 2, 7, 1, 2, 3, 4, 8, 3, 4] });
    await c.expect('empty part', concat([a, c.tensor([], [0, 2])], 0), { shape: [2, 2], values: [1, 2, 3, 4] });
    await c.expect('int32', concat([c.tensor([1], [1], 'int32'), c.tensor([2, 3], [2], 'int32')]), { shape: [3], values: [1, 2, 3], dtype: 'int32' });
    await c.expect('bool', concat([c.tensor([true], [1], 'bool'), c.tensor([false], [1], 'bool')]), { shape: [2], values: [1, 0], dtype: 'bool' });
    await c.expect('stack axis 0', stack([a, a]), { shape: [2, 2, 2], values: [1, 2, 3, 4, 1, 2, 3, 4] });
    await c.expect('stack axis -1', stack([a, c.tensor([5, 6, 7, 8], [2, 2])], -1), { shape: [2, 2, 2], values: [1, 5, 2, 6, 3, 7, 4, 8] });
    await c.expectError('mismatch', () => concat([a, c.tensor([1, 2, 3], [1, 3])], 0), '[1, 3]', '[2, 2]');
  }),
  ...defineCase('permute / transpose: 2-D, 3-D, 4-D vs index arithmetic', async (c) => {
    const m = c.tensor(iota(6), [2, 3]);
    await c.expect('transpose [2, 3]', transpose(m), { shape: [3, 2], values: [0, 3, 1, 4, 2, 5] });
    const x = c.random([2, 3, 4, 5], 60);
    for (const perm of [[0, 2, 1, 3], [3, 2, 1, 0], [1, 3, 0, 2], [0, 1, 3, 2]]) {
      await c.expect(`permute ${perm}`, permute(x.t, perm), refPermute(x.v, [2, 3, 4, 5], perm));
    }
    await c.expect('transpose dims 0, 2', transpose(x.t, 0, 2), refPermute(x.v, [2, 3, 4, 5], [2, 1, 0, 3]));
    await c.expect('int32 permute', permute(c.tensor(iota(6), [1, 2, 3], 'int32'), [2, 0, 1]), { shape: [3, 1, 2], values: [0, 3, 1, 4, 2, 5], dtype: 'int32' });
    await c.expectError('not a permutation', () => permute(m, [0, 0]), '[0, 0]');
  }),
  ...defineCase('where / maskedFill: broadcast conditions, number branches, -Infinity masks', async (c) => {
    const cond = c.tensor([true, false, true], [3], 'bool');
    const a = c.random([2, 3], 61);
    const b = c.random([2, 1], 62);
    await c.expect('bool [3], [2, 3], [2, 1]', where(cond, a.t, b.t), refWhere([1, 0, 1], [3], a.v, [2, 3], b.v, [2, 1]));
    await c.expect('float condition, number branches', where(c.tensor([0, 2.5, -1, 0], [2, 2]), 1, -1), { shape: [2, 2], values: [-1, 1, 1, -1] });
    const scores = c.random([2, 3, 3], 63);
    const causal = c.tensor([0, 1, 1, 0, 0, 1, 0, 0, 0], [3, 3], 'bool');
    const expected = Array.from(scores.v, (v, i) => ([1, 2, 5].includes(i % 9) ? -Infinity : v));
    await c.expect('maskedFill -Infinity', maskedFill(scores.t, causal, -Infinity), { shape: [2, 3, 3], values: expected });
    await c.expect('int32 where', where(cond, c.tensor([1, 2, 3], [3], 'int32'), 0), { shape: [3], values: [1, 0, 3], dtype: 'int32' });
  }),
  ...defineCase('triu / tril: diagonals k = 0, 1, -1, non-square, batched', async (c) => {
    const x = c.tensor(iota(12, 1), [3, 4]);
    const pick = (keep: (i: number, j: number) => boolean) => iota(12).map((f) => (keep(Math.floor(f / 4), f % 4) ? f + 1 : 0));
    await c.expect('triu', triu(x), { shape: [3, 4], values: pick((i, j) => j >= i) });
    await c.expect('triu k=1', triu(x, 1), { shape: [3, 4], values: pick((i, j) => j - i >= 1) });
    await c.expect('tril', tril(x), { shape: [3, 4], values: pick((i, j) => j <= i) });
    await c.expect('tril k=-1', tril(x, -1), { shape: [3, 4], values: pick((i, j) => j - i <= -1) });
    const batched = c.tensor(iota(8, 1), [2, 2, 2]);
    await c.expect('batched triu', triu(batched), { shape: [2, 2, 2], values: [1, 2, 0, 4, 5, 6, 0, 8] });
  }),
  ...defineCase('writeSlice: writes in place, neighbours untouched, views see it', async (c) => {
    const cache = c.tensor(new Array(2 * 3 * 4).fill(0), [1, 2, 3, 4]); // [batch, heads, maxLen, dim]
    const view = c.track(cache.reshape([2, 12]));
    writeSlice(cache, c.tensor(iota(8, 1), [1, 2, 1, 4]), [0, 0, 1, 0]);
    const expected = new Array(24).fill(0);
    for (let h = 0; h < 2; h++) for (let d = 0; d < 4; d++) expected[h * 12 + 4 + d] = 1 + h * 4 + d;
    await c.expect('after one write', cache.reshape(cache.shape), { shape: [1, 2, 3, 4], values: expected });
    writeSlice(cache, c.tensor([-1, -2], [1, 2, 1, 1]), [0, 0, 2, 3]);
    expected[11] = -1;
    expected[23] = -2;
    await c.expect('a view of the target', view.reshape(view.shape), { shape: [2, 12], values: expected });
    await c.expectError('overflow', () => writeSlice(cache, c.tensor(iota(8), [1, 2, 1, 4]), [0, 0, 3, 0]), '[1, 2, 3, 4]');
  }),
  ...defineCase('writeSlice: a [2, 3, 2, 2] block into [3, 4, 5, 6] at [1, 1, 2, 3], int32 too', async (c) => {
    // the expected target by index arithmetic: element (a, b, p, q) of the value lands at (1 + a, 1 + b, 2 + p, 3 + q)
    const expected = iota(3 * 4 * 5 * 6, 1000);
    for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let p = 0; p < 2; p++) for (let q = 0; q < 2; q++) {
      expected[(((1 + a) * 4 + (1 + b)) * 5 + (2 + p)) * 6 + (3 + q)] = -(((a * 3 + b) * 2 + p) * 2 + q) - 1;
    }
    const value = iota(24).map((v) => -v - 1);
    for (const dtype of ['float32', 'int32'] as const) {
      const target = c.tensor(iota(3 * 4 * 5 * 6, 1000), [3, 4, 5, 6], dtype);
      writeSlice(target, c.tensor(value, [2, 3, 2, 2], dtype), [1, 1, 2, 3]);
      await c.expect(dtype, target.reshape(target.shape), { shape: [3, 4, 5, 6], values: expected, dtype });
    }
  }),
  ...defineCase('cast: float → int32 rounds toward zero, → bool, bool/int32 → float', async (c) => {
    const x = c.tensor([1.9, -1.9, 0.5, -0.5, 3, 0, 1e9], [7]);
    await c.expect('→ int32', castTo(x, 'int32'), { shape: [7], values: [1, -1, 0, 0, 3, 0, 1e9], dtype: 'int32' });
    await c.expect('→ bool', castTo(x, 'bool'), { shape: [7], values: [1, 1, 1, 1, 1, 0, 1], dtype: 'bool' });
    await c.expect('bool → float32', castTo(c.tensor([true, false], [2], 'bool'), 'float32'), { shape: [2], values: [1, 0] });
    await c.expect('int32 → float32', castTo(c.tensor([-7, 2 ** 24], [2], 'int32'), 'float32'), { shape: [2], values: [-7, 2 ** 24] });
    await c.expect('int32 → bool', castTo(c.tensor([0, -3], [2], 'int32'), 'bool'), { shape: [2], values: [0, 1], dtype: 'bool' });
    await c.expect('same dtype', castTo(x, 'float32'), { shape: [7], values: Array.from(Float32Array.from([1.9, -1.9, 0.5, -0.5, 3, 0, 1e9])) });
  }),
];
