import { describe, expect, it } from 'vitest';
import { linear, memory, randomNormal, tensor } from '@transformer-kit/tensor';
import { refBinary, refMatmul } from '../src/testing/reference';

const close = (got: ArrayLike<number>, want: ArrayLike<number>) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(want[i]));
};

describe('linear: y = x·Wᵀ + b, the one dense-layer op', () => {
  it('equals the float64 reference x·Wᵀ + b, with and without a bias, for batched inputs', () => {
    const x = randomNormal([2, 3, 5], 0, 1, { seed: 1 }); // [batch, seq, in]
    const w = randomNormal([4, 5], 0, 0.5, { seed: 2 }); // [out, in]
    const b = randomNormal([4], 0, 1, { seed: 3 }); // [out]
    const xw = refMatmul(x.dataSync(), x.shape, w.dataSync(), w.shape, false, true); // [2, 3, 4]
    const y = linear(x, w);
    expect(y.shape).toEqual([2, 3, 4]);
    close(y.dataSync(), xw.values);
    close(linear(x, w, b).dataSync(), refBinary(xw.values, xw.shape, b.dataSync(), b.shape, (p, q) => p + q).values);
  });

  it('leaves only its output alive', () => {
    const x = randomNormal([3, 5], 0, 1, { seed: 4 });
    const w = randomNormal([4, 5], 0, 1, { seed: 5 });
    const b = randomNormal([4], 0, 1, { seed: 6 });
    const before = memory().numTensors;
    const y = linear(x, w, b);
    expect(memory().numTensors).toBe(before + 1);
    y.dispose();
  });

  it('names a weight that is not [out, in] and a bias that does not fit it', () => {
    const x = tensor([1, 2], [1, 2]);
    expect(() => linear(x, tensor([1, 2], [1, 1, 2]))).toThrow('linear: weight must be [out, in], got [1, 1, 2]');
    expect(() => linear(x, tensor([1, 2, 3, 4], [2, 2]), tensor([1, 2, 3], [3]))).toThrow('linear: bias must be [2] (one per output of weight [2, 2]), got [3]');
  });
});
