import { add, div, maximum, minimum, mul, pow, sub } from '../../ops/arithmetic';
import { equal, greater, greaterEqual, less, lessEqual, logicalAnd, logicalNot, logicalOr, notEqual } from '../../ops/compare';
import { abs, cos, erf, exp, floor, log, neg, reciprocal, relu, rsqrt, sigmoid, sin, sqrt, square, tanh } from '../../ops/unary';
import type { Tensor } from '../../tensor';
import { defineCase, type ConformanceCase } from '../conformance-case';
import { refBinary, refErf } from '../reference';

type BinaryFn = (a: Tensor | number, b: Tensor | number) => Tensor;

const arithmetic: [string, BinaryFn, (a: number, b: number) => number][] = [
  ['add', add, (a, b) => a + b],
  ['sub', sub, (a, b) => a - b],
  ['mul', mul, (a, b) => a * b],
  ['div', div, (a, b) => a / b],
  ['maximum', maximum, Math.max],
  ['minimum', minimum, Math.min],
];

const comparisons: [string, BinaryFn, (a: number, b: number) => boolean][] = [
  ['equal', equal, (a, b) => a === b],
  ['notEqual', notEqual, (a, b) => a !== b],
  ['less', less, (a, b) => a < b],
  ['lessEqual', lessEqual, (a, b) => a <= b],
  ['greater', greater, (a, b) => a > b],
  ['greaterEqual', greaterEqual, (a, b) => a >= b],
];

const unaries: [string, (x: Tensor) => Tensor, (x: number) => number][] = [
  ['neg', neg, (x) => -x],
  ['abs', abs, Math.abs],
  ['exp', exp, Math.exp],
  ['log', log, Math.log],
  ['sqrt', sqrt, Math.sqrt],
  ['rsqrt', rsqrt, (x) => 1 / Math.sqrt(x)],
  ['tanh', tanh, Math.tanh],
  ['sigmoid', sigmoid, (x) => 1 / (1 + Math.exp(-x))],
  ['erf', erf, refErf],
  ['relu', relu, (x) => Math.max(0, x)],
  ['reciprocal', reciprocal, (x) => 1 / x],
  ['square', square, (x) => x * x],
  ['sin', sin, Math.sin],
  ['cos', cos, Math.cos],
  ['floor', floor, Math.floor],
];

/** Inputs for the unary ops: both signs, zero, fractions, magnitudes that stress exp/sigmoid/tanh. */
const unaryInputs = [-30, -5.5, -2, -1, -0.75, -0.3, -1e-3, 0, 1e-3, 0.3, 0.5, 0.75, 1, 2, 3.25, 5.5, 12, 30];

export const elementwiseCases: ConformanceCase[] = [
  ...arithmetic.map(([name, op, f]) =>
    defineCase(`${name}: same shape and every broadcast ([2, 1, 3] with [4, 1], [3], scalar)`, async (c) => {
      const a = c.random([2, 4, 3], 21, -2, 2);
      // positive b keeps div away from 0 (division by zero is its own case)
      const b = c.random([2, 4, 3], 22, 0.5, 2);
      await c.expect('same shape', op(a.t, b.t), refBinary(a.v, a.t.shape, b.v, b.t.shape, f));
      const x = c.random([2, 1, 3], 23, -2, 2);
      const y = c.random([4, 1], 24, 0.5, 2);
      await c.expect('[2, 1, 3] op [4, 1]', op(x.t, y.t), refBinary(x.v, [2, 1, 3], y.v, [4, 1], f));
      await c.expect('[4, 1] op [2, 1, 3]', op(y.t, x.t), refBinary(y.v, [4, 1], x.v, [2, 1, 3], f));
      const row = c.random([3], 25, 0.5, 2);
      await c.expect('[2, 4, 3] op [3]', op(a.t, row.t), refBinary(a.v, [2, 4, 3], row.v, [3], f));
      await c.expect('[3] op [2, 4, 3]', op(row.t, b.t), refBinary(row.v, [3], b.v, [2, 4, 3], f));
      const s = c.tensor([1.5], []);
      await c.expect('tensor op rank-0 scalar', op(a.t, s), refBinary(a.v, [2, 4, 3], [1.5], [], f));
      await c.expect('number op tensor', op(1.5, b.t), refBinary([1.5], [], b.v, [2, 4, 3], f));
      await c.expect('tensor op number', op(b.t, 0.75), refBinary(b.v, [2, 4, 3], [0.75], [], f));
    })).flat(),
  ...defineCase('pow: integer, fractional and negative exponents', async (c) => {
    const x = c.tensor([2, 3, 4, 0.5, 9, 0], [6]);
    await c.expect('x²', pow(x, 2), { shape: [6], values: [4, 9, 16, 0.25, 81, 0] });
    await c.expect('√x', pow(x, 0.5), { shape: [6], values: [Math.SQRT2, Math.sqrt(3), 2, Math.SQRT1_2, 3, 0] });
    await c.expect('1/x', pow(x, -1), { shape: [6], values: [0.5, 1 / 3, 0.25, 2, 1 / 9, Infinity] });
    await c.expect('2^x broadcast', pow(2, c.tensor([0, 1, 10, -2], [2, 2])), { shape: [2, 2], values: [1, 2, 1024, 0.25] });
  }),
  ...comparisons.map(([name, op, f]) =>
    defineCase(`${name}: bool result with broadcasting, float and int32`, async (c) => {
      const a = [1, 2, 3, 2, 2, -1];
      const b = [2, 2, 1];
      const expected = refBinary(a, [2, 3], b, [3], (x, y) => (f(x, y) ? 1 : 0));
      await c.expect('float [2, 3] vs [3]', op(c.tensor(a, [2, 3]), c.tensor(b, [3])), { ...expected, dtype: 'bool' });
      await c.expect('int32 [2, 3] vs [3]', op(c.tensor(a, [2, 3], 'int32'), c.tensor(b, [3], 'int32')), { ...expected, dtype: 'bool' });
      const vsNumber = a.map((v) => (f(v, 2) ? 1 : 0));
      await c.expect('vs a number', op(c.tensor(a, [2, 3]), 2), { shape: [2, 3], values: vsNumber, dtype: 'bool' });
    })).flat(),
  ...defineCase('logicalAnd / logicalOr / logicalNot on bool masks', async (c) => {
    const p = c.tensor([true, true, false, false], [4], 'bool');
    const q = c.tensor([true, false, true, false], [4], 'bool');
    await c.expect('and', logicalAnd(p, q), { shape: [4], values: [1, 0, 0, 0], dtype: 'bool' });
    await c.expect('or', logicalOr(p, q), { shape: [4], values: [1, 1, 1, 0], dtype: 'bool' });
    await c.expect('not', logicalNot(p), { shape: [4], values: [0, 0, 1, 1], dtype: 'bool' });
    const col = c.tensor([true, false], [2, 1], 'bool');
    await c.expect('or broadcast [2, 1] with [4]', logicalOr(col, q), { shape: [2, 4], values: [1, 1, 1, 1, 1, 0, 1, 0], dtype: 'bool' });
  }),
  ...unaries.map(([name, op, f]) =>
    defineCase(`${name}: over both signs, zero and large magnitudes`, async (c) => {
      const domain = name === 'log' || name === 'sqrt' || name === 'rsqrt' ? unaryInputs.map(Math.abs).filter((v) => v > 0) : unaryInputs;
      const x = Float32Array.from(domain);
      await c.expect(name, op(c.tensor(x, [x.length])), { shape: [x.length], values: Array.from(x, f) });
      // int32 input is computed as float32
      const ints = [-3, -1, 1, 2, 7];
      const intDomain = name === 'log' || name === 'sqrt' || name === 'rsqrt' ? ints.map(Math.abs) : ints;
      await c.expect(`${name} of int32`, op(c.tensor(intDomain, [5], 'int32')), { shape: [5], values: intDomain.map(f) });
    })).flat(),
  ...defineCase('unary: special values (log 0, sqrt −1, exp overflow, 1/0, sigmoid(±100))', async (c) => {
    await c.expect('log', log(c.tensor([0, -1, 1], [3])), { shape: [3], values: [-Infinity, NaN, 0] });
    await c.expect('sqrt', sqrt(c.tensor([-1, 0, 4], [3])), { shape: [3], values: [NaN, 0, 2] });
    await c.expect('exp', exp(c.tensor([100, -200, -Infinity, Infinity], [4])), { shape: [4], values: [Infinity, 0, 0, Infinity] });
    await c.expect('reciprocal', reciprocal(c.tensor([0, 4], [2])), { shape: [2], values: [Infinity, 0.25] });
    await c.expect('sigmoid', sigmoid(c.tensor([100, -100, 0], [3])), { shape: [3], values: [1, 0, 0.5] });
    await c.expect('tanh', tanh(c.tensor([50, -50], [2])), { shape: [2], values: [1, -1] });
  }),
  ...defineCase('NaN propagates through arithmetic, maximum/minimum, unary ops and relu', async (c) => {
    const x = c.tensor([NaN, 1, -1], [3]);
    await c.expect('add', add(x, 1), { shape: [3], values: [NaN, 2, 0] });
    await c.expect('mul by 0', mul(x, 0), { shape: [3], values: [NaN, 0, -0] });
    await c.expect('maximum', maximum(x, 0), { shape: [3], values: [NaN, 1, 0] });
    await c.expect('minimum', minimum(x, 0), { shape: [3], values: [NaN, 0, -1] });
    await c.expect('relu', relu(x), { shape: [3], values: [NaN, 1, 0] });
    await c.expect('exp', exp(x), { shape: [3], values: [NaN, Math.E, Math.exp(-1)] });
    await c.expect('NaN == NaN is false', equal(x, x), { shape: [3], values: [0, 1, 1], dtype: 'bool' });
    await c.expect('Infinity − Infinity', sub(c.tensor([Infinity], [1]), c.tensor([Infinity], [1])), { shape: [1], values: [NaN] });
    await c.expect('x / 0', div(c.tensor([1, -1, 0], [3]), 0), { shape: [3], values: [Infinity, -Infinity, NaN] });
  }),
  ...defineCase('int32 arithmetic stays int32 and exact', async (c) => {
    const a = c.tensor([1, -7, 2 ** 30, 123456789], [4], 'int32');
    const b = c.tensor([2, 3, 5, -987654], [4], 'int32');
    await c.expect('add', add(a, b), { shape: [4], values: [3, -4, 2 ** 30 + 5, 123456789 - 987654], dtype: 'int32' });
    await c.expect('sub', sub(a, b), { shape: [4], values: [-1, -10, 2 ** 30 - 5, 123456789 + 987654], dtype: 'int32' });
    await c.expect('mul', mul(a, c.tensor([3, 3, 1, 2], [4], 'int32')), { shape: [4], values: [3, -21, 2 ** 30, 246913578], dtype: 'int32' });
    await c.expect('maximum', maximum(a, b), { shape: [4], values: [2, 3, 2 ** 30, 123456789], dtype: 'int32' });
    await c.expect('minimum', minimum(a, b), { shape: [4], values: [1, -7, 5, -987654], dtype: 'int32' });
    await c.expect('+ integer number', add(a, 1), { shape: [4], values: [2, -6, 2 ** 30 + 1, 123456790], dtype: 'int32' });
    await c.expect('+ fractional number → float32', add(c.tensor([1, 2], [2], 'int32'), 0.5), { shape: [2], values: [1.5, 2.5] });
    await c.expect('div → float32', div(c.tensor([7, -7], [2], 'int32'), c.tensor([2, 2], [2], 'int32')), { shape: [2], values: [3.5, -3.5] });
    await c.expect('int32 + float32 → float32', add(c.tensor([1, 2], [2], 'int32'), c.tensor([0.25, 0.5], [2])), { shape: [2], values: [1.25, 2.5] });
  }),
  ...defineCase('elementwise: empty and size-1 dimensions', async (c) => {
    await c.expect('[0, 3] + [3]', add(c.tensor([], [0, 3]), c.tensor([1, 2, 3], [3])), { shape: [0, 3], values: [] });
    await c.expect('[2, 0] * [1]', mul(c.tensor([], [2, 0]), c.tensor([2], [1])), { shape: [2, 0], values: [] });
    await c.expect('exp of [0]', exp(c.tensor([], [0])), { shape: [0], values: [] });
    await c.expect('[1, 1, 1] + [1]', add(c.tensor([2], [1, 1, 1]), c.tensor([3], [1])), { shape: [1, 1, 1], values: [5] });
    await c.expect('rank 0 + rank 0', add(c.tensor([2], []), c.tensor([3], [])), { shape: [], values: [5] });
    await c.expect('[1, 3] + [2, 1]', add(c.tensor([1, 2, 3], [1, 3]), c.tensor([10, 20], [2, 1])), { shape: [2, 3], values: [11, 12, 13, 21, 22, 23] });
  }),
  ...defineCase('elementwise: broadcast errors name both shapes', async (c) => {
    await c.expectError('[2, 3] + [4]', () => add(c.tensor(new Array(6).fill(0), [2, 3]), c.tensor([0, 0, 0, 0], [4])), '[2, 3]', '[4]');
    await c.expectError('[3, 2] < [2, 3]', () => less(c.tensor(new Array(6).fill(0), [3, 2]), c.tensor(new Array(6).fill(0), [2, 3])), '[3, 2]', '[2, 3]');
  }),
];
