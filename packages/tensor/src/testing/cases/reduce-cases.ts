import { argmax, logSumExp, max, mean, min, sum } from '../../ops/reduce';
import type { ReduceOptions } from '../../ops/reduce';
import type { Tensor } from '../../tensor';
import { defineCase, type ConformanceCase } from '../conformance-case';
import { refLogSumExp, refReduce } from '../reference';

type ReduceFn = (x: Tensor, axis?: number, options?: ReduceOptions) => Tensor;

const folds: [string, ReduceFn, (column: number[]) => number][] = [
  ['sum', sum, (col) => col.reduce((a, b) => a + b, 0)],
  ['mean', mean, (col) => col.reduce((a, b) => a + b, 0) / col.length],
  ['max', max, (col) => Math.max(...col)],
  ['min', min, (col) => Math.min(...col)],
  ['logSumExp', logSumExp, refLogSumExp],
];

function firstArgmax(col: number[]): number {
  let best = 0;
  for (let j = 1; j < col.length; j++) if (col[j] > col[best]) best = j;
  return best;
}

export const reduceCases: ConformanceCase[] = [
  ...folds.map(([name, op, fold]) =>
    defineCase(`${name}: every axis of [2, 3, 5], negative axes, keepDims`, async (c) => {
      const x = c.random([2, 3, 5], 31, -3, 3);
      for (let axis = 0; axis < 3; axis++) {
        await c.expect(`axis ${axis}`, op(x.t, axis), refReduce(x.v, [2, 3, 5], axis, fold));
        await c.expect(`axis ${axis - 3} keepDims`, op(x.t, axis - 3, { keepDims: true }), refReduce(x.v, [2, 3, 5], axis, fold, true));
      }
      const odd = c.random([3, 37], 32, -3, 3);
      await c.expect('rows of 37', op(odd.t, -1), refReduce(odd.v, [3, 37], 1, fold));
      await c.expect('rank 1 → rank 0', op(c.tensor([1, 2, 4], [3])), { shape: [], values: [fold([1, 2, 4])] });
    })).flat(),
  ...defineCase('argmax: every axis, ties pick the first, -Infinity, int32 input', async (c) => {
    const x = c.random([2, 3, 5], 33, -3, 3);
    for (let axis = 0; axis < 3; axis++) {
      await c.expect(`axis ${axis}`, argmax(x.t, axis), { ...refReduce(x.v, [2, 3, 5], axis, firstArgmax), dtype: 'int32' });
    }
    const ties = c.tensor([1, 3, 3, 0, -Infinity, -Infinity, -Infinity, -Infinity, 2, 2, 2, 2], [3, 4]);
    await c.expect('ties', argmax(ties, -1), { shape: [3], values: [1, 0, 0], dtype: 'int32' });
    await c.expect('ties keepDims', argmax(ties, 1, { keepDims: true }), { shape: [3, 1], values: [1, 0, 0], dtype: 'int32' });
    await c.expect('ties along axis 0', argmax(ties, 0), { shape: [4], values: [2, 0, 0, 2], dtype: 'int32' });
    await c.expect('int32 input', argmax(c.tensor([4, 9, 9, -1], [4], 'int32')), { shape: [], values: [1], dtype: 'int32' });
  }),
  ...defineCase('reductions: int32 sum/max/min stay int32, mean is float32', async (c) => {
    const x = c.tensor([1, 2, 3, 2 ** 29, 2 ** 29, -5], [2, 3], 'int32');
    await c.expect('sum', sum(x, 1), { shape: [2], values: [6, 2 ** 30 - 5], dtype: 'int32' });
    await c.expect('max', max(x, 0), { shape: [3], values: [2 ** 29, 2 ** 29, 3], dtype: 'int32' });
    await c.expect('min', min(x, 0), { shape: [3], values: [1, 2, -5], dtype: 'int32' });
    await c.expect('mean', mean(x, 1), { shape: [2], values: [2, (2 ** 30 - 5) / 3] });
  }),
  ...defineCase('reductions: NaN propagates, large magnitudes, empty axes', async (c) => {
    const x = c.tensor([1, NaN, 3, 4, 5, 6], [2, 3]);
    await c.expect('sum', sum(x, 1), { shape: [2], values: [NaN, 15] });
    await c.expect('max', max(x, 1), { shape: [2], values: [NaN, 6] });
    await c.expect('min', min(x, 1), { shape: [2], values: [NaN, 4] });
    await c.expect('logSumExp', logSumExp(x, 1), { shape: [2], values: [NaN, refLogSumExp([4, 5, 6])] });
    await c.expect('logSumExp [1000, 1001]', logSumExp(c.tensor([1000, 1001], [2])), { shape: [], values: [1001 + Math.log1p(Math.exp(-1))] });
    await c.expect('logSumExp [-1000, -1001]', logSumExp(c.tensor([-1000, -1001], [2])), { shape: [], values: [-1000 + Math.log1p(Math.exp(-1))] });
    await c.expect('logSumExp of all -Infinity', logSumExp(c.tensor([-Infinity, -Infinity], [2])), { shape: [], values: [-Infinity] });
    await c.expect('max with -Infinity', max(c.tensor([-Infinity, -2], [2])), { shape: [], values: [-2] });
    const empty = c.tensor([], [2, 0]);
    await c.expect('sum over an empty axis', sum(empty, 1), { shape: [2], values: [0, 0] });
    await c.expect('max over an empty axis', max(empty, 1), { shape: [2], values: [-Infinity, -Infinity] });
    await c.expect('sum along the non-empty axis', sum(empty, 0), { shape: [0], values: [] });
  }),
  ...defineCase('reductions: axis errors name the axis and rank', async (c) => {
    const x = c.tensor([1, 2, 3, 4], [2, 2]);
    await c.expectError('axis 2 of rank 2', () => sum(x, 2), 'Axis 2', 'rank 2');
    await c.expectError('bool input', () => sum(c.tensor([true, false], [2], 'bool')), 'bool');
  }),
];
