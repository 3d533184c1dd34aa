import { tensor, zeros } from '@transformer-kit/tensor';
import { describe, expect, it } from 'vitest';
import { LearnedPositionalEmbedding } from '../src/index';
import { values } from './helpers/fixtures';

describe('LearnedPositionalEmbedding', () => {
  const table = Float32Array.from({ length: 5 * 3 }, (_, i) => i * 0.5 - 2); // [5 positions, 3]
  const row = (p: number) => Array.from(table.subarray(p * 3, p * 3 + 3));

  it('returns the rows of the weight table and adds them to x', () => {
    const wpe = new LearnedPositionalEmbedding(tensor(table.slice(), [5, 3]));
    expect(Array.from(values(wpe.forward(2, 3)))).toEqual([...row(3), ...row(4)]);
    expect(Array.from(values(wpe.lookup(tensor([4, 0], [2], 'int32'))))).toEqual([...row(4), ...row(0)]);
    expect(Array.from(values(wpe.add(zeros([2, 2, 3]), 1)))).toEqual([...row(1), ...row(2), ...row(1), ...row(2)]);
    wpe.dispose();
  });

  it('positions past the table are an error naming the position and the table length', () => {
    const wpe = new LearnedPositionalEmbedding(tensor(table.slice(), [5, 3]));
    expect(() => wpe.forward(2, 4)).toThrow(/position 5 is past the 5 learned positions \(0\.\.4\)/);
    expect(() => wpe.lookup(tensor([1, 7], [2], 'int32'))).toThrow(/position 7 is past the 5 learned positions/);
    expect(() => wpe.add(zeros([1, 6, 3]))).toThrow(/position 5 is past/);
    expect(() => wpe.add(zeros([1, 2, 4]))).toThrow(/x must be \[\.\.\., seq, 3\]/);
    expect(() => new LearnedPositionalEmbedding(zeros([5]))).toThrow(/weight must be float32 \[maxPositions, dim\]/);
    wpe.dispose();
  });

  it('random() is reproducible from its seed', () => {
    const a = LearnedPositionalEmbedding.random(4, 2, { seed: 3 });
    const b = LearnedPositionalEmbedding.random(4, 2, { seed: 3 });
    expect(Array.from(values(a.weight))).toEqual(Array.from(values(b.weight)));
    expect(a.maxPositions).toBe(4);
    a.dispose();
    b.dispose();
  });
});
