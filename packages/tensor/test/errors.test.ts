import { describe, expect, it } from 'vitest';
import {
  add, applyRotary, arange, attend, concat, createCpuBackend, gather, layerNorm, matmul, normalizeAxis, permute, slice, split,
  stack, sum, tensor, where, writeSlice, zeros,
} from '@transformer-kit/tensor';

/** Bad input gets an error that names what was wrong: the op, the shapes, the axis, the index. */
describe('errors name the problem', () => {
  const m23 = () => tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  it('broadcasting', () => {
    expect(() => add(m23(), tensor([1, 2], [2]))).toThrow('Shapes [2, 3] and [2] cannot be broadcast together (dimension 1: 3 vs 2)');
    expect(() => where(tensor([true, false, true, false], [4], 'bool'), m23(), 0)).toThrow(/\[4\].*\[2, 3\]|\[2, 3\].*\[4\]/);
  });
  it('matmul', () => {
    expect(() => matmul(m23(), m23())).toThrow('matmul: inner dimensions differ: [2, 3] · [2, 3] (3 vs 2)');
    expect(() => matmul(m23(), m23(), { transposeA: true, transposeB: true })).toThrow(/\[2, 3\]ᵀ · \[2, 3\]ᵀ \(2 vs 3\)/);
    expect(() => matmul(tensor([1, 2, 3], [3]), m23())).toThrow('matmul: operands need rank ≥ 2, got [3] and [2, 3]');
    expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 4]))).toThrow('matmul: batch dimensions of [2, 2, 3] and [3, 3, 4] do not broadcast');
  });
  it('creation and reshape', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('tensor: 3 values do not fill shape [2, 2] (4 elements)');
    expect(() => zeros([2, -1])).toThrow('Invalid shape [2, -1]');
    expect(() => m23().reshape([4, 2])).toThrow('Cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)');
    expect(() => m23().reshape([-1, -1])).toThrow('only one dimension can be -1');
    expect(() => m23().reshape([4, -1])).toThrow('Cannot reshape [2, 3] (6 elements) to [4, -1]');
    expect(() => arange(0, 5, 0)).toThrow('arange: step must be a finite non-zero number, got 0');
  });
  it('axes', () => {
    expect(() => sum(m23(), 2)).toThrow('Axis 2 is out of range for a tensor of rank 2');
    expect(() => normalizeAxis(-3, 2)).toThrow('Axis -3 is out of range for a tensor of rank 2');
    expect(() => permute(m23(), [1, 1])).toThrow('permute: [1, 1] is not a permutation of 2 dimensions');
  });
  it('layout', () => {
    expect(() => slice(m23(), [1, 1], [2, 1])).toThrow('slice: [1, 1] + [2, 1] is outside [2, 3] (dimension 0)');
    expect(() => split(m23(), 2, 1)).toThrow('split: dimension 1 of [2, 3] does not split into 2 equal parts');
    expect(() => split(m23(), [1, 1], 1)).toThrow('split: sizes [1, 1] do not add up to dimension 1 of [2, 3]');
    expect(() => concat([m23(), tensor([1, 2], [1, 2])])).toThrow('concat: [1, 2] float32 does not match [2, 3] float32 outside axis 0');
    expect(() => concat([m23(), tensor([1, 2, 3], [1, 3], 'int32')])).toThrow(/\[1, 3\] int32 does not match \[2, 3\] float32/);
    expect(() => stack([m23(), tensor([1, 2, 3], [3])])).toThrow('stack: [3] differs from [2, 3]');
    expect(() => writeSlice(zeros([2, 4]), tensor([1, 2, 3], [1, 3]), [1, 2])).toThrow('writeSlice: [1, 3] at [1, 2] overflows [2, 4] (dimension 1)');
    expect(() => writeSlice(zeros([2, 4]), tensor([1], [1], 'int32'), [0])).toThrow('writeSlice: cannot write [1] int32 into [2, 4] float32 at [0]');
  });
  it('gather ids', () => {
    const table = zeros([5, 2]);
    expect(() => gather(table, tensor([1, 5], [2], 'int32'))).toThrow('gather: index 5 is out of range for dimension 0 of size 5');
    expect(() => gather(table, tensor([-2], [1], 'int32'))).toThrow('gather: index -2 is out of range');
    expect(() => gather(table, tensor([1], [1]))).toThrow('gather: indices must be int32, got float32 [1]');
  });
  it('normalisation, rotary and attention parameters', () => {
    expect(() => layerNorm(m23(), zeros([2]))).toThrow('layerNorm: gamma has shape [2], expected [3] for input [2, 3]');
    expect(() => applyRotary(zeros([1, 4, 8]), zeros([3, 4]), zeros([3, 4]), 'halves')).toThrow(
      'applyRotary: cos [3, 4] and sin [3, 4] must both be [seq 4, rotaryDim/2]',
    );
    expect(() => attend(zeros([1, 2, 3]), zeros([1, 2, 3]), zeros([1, 2, 3]))).toThrow(/must be \[batch, heads, seq, headDim\]; got \[1, 2, 3\]/);
    expect(() => attend(zeros([1, 4, 2, 8]), zeros([1, 3, 2, 8]), zeros([1, 3, 2, 8]))).toThrow('attend: 4 query heads cannot share 3 key/value heads');
    expect(() => attend(zeros([1, 2, 5, 8]), zeros([1, 2, 3, 8]), zeros([1, 2, 3, 8]), { causal: true })).toThrow(
      'causal attention of 5 queries over 3 keys needs queryOffset ≥ 0',
    );
  });
  it('mixing backends names both', () => {
    const other = tensor([1, 2, 3], [3], 'float32', createCpuBackend());
    expect(() => add(tensor([1, 2, 3], [3]), other)).toThrow("add: inputs live on different backends ('cpu' and 'cpu')");
  });
  it('float-only ops reject other dtypes', () => {
    expect(() => layerNorm(tensor([1, 2], [1, 2], 'int32'))).toThrow('layerNorm: expected a float32 tensor, got int32 [1, 2]');
  });
});
