import { randomNormal, tensor, zeros } from '@transformer-kit/tensor';
import { describe, expect, it } from 'vitest';
import { causalMask, keyPaddingMask, scaledDotProductAttention, slidingWindowMask } from '../src/index';
import { expectClose, values } from './helpers/fixtures';
import { referenceAttention } from './helpers/reference-attention';

const implementations = ['composed', 'memory-efficient'] as const;

describe('scaledDotProductAttention against the definition', () => {
  const q = randomNormal([2, 4, 5, 8], 0, 1, { seed: 1 }); // [batch, heads, seq, headDim]
  const k = randomNormal([2, 2, 7, 8], 0, 1, { seed: 2 }); // 2 kv heads (GQA), 7 keys
  const v = randomNormal([2, 2, 7, 8], 0, 1, { seed: 3 });

  it('plain, GQA, custom scale: every implementation, with weights', () => {
    const [out, w] = referenceAttention(q, k, v, { scale: 0.3 });
    for (const implementation of ['fused', ...implementations] as const) {
      const r = scaledDotProductAttention(q, k, v, { scale: 0.3, implementation, blockSize: 3 });
      expectClose(values(r.output), out, 1e-4, implementation);
    }
    const withWeights = scaledDotProductAttention(q, k, v, { scale: 0.3, returnWeights: true });
    expectClose(values(withWeights.weights!), w, 1e-4, 'weights');
  });

  it('causal for a block of queries after cached positions (queryOffset)', () => {
    for (const queryOffset of [undefined, 0, 1, 2]) {
      const [out, w] = referenceAttention(q, k, v, { causal: true, queryOffset });
      for (const implementation of ['fused', ...implementations] as const) {
        const r = scaledDotProductAttention(q, k, v, { causal: true, queryOffset, implementation, blockSize: 2 });
        expectClose(values(r.output), out, 1e-4, `${implementation} offset ${queryOffset}`);
      }
      expectClose(values(scaledDotProductAttention(q, k, v, { causal: true, queryOffset, returnWeights: true }).weights!), w, 1e-4, 'weights');
    }
  });

  it('bool masks (true = hidden), float additive masks, and an ALiBi-style bias before the mask', () => {
    const padding = keyPaddingMask([5, 7], 7); // [2, 1, 1, 7]
    const bias = tensor(Array.from({ length: 4 * 5 * 7 }, (_, n) => 0.1 * ((n % 7) - Math.floor(n / 7) % 5) * (1 + Math.floor(n / 35))), [4, 5, 7]);
    const added = (_b: number, h: number, i: number, j: number) => 0.1 * (j - i) * (1 + h);
    const [out, w] = referenceAttention(q, k, v, { hidden: (b, _h, _i, j) => j >= [5, 7][b], added, causal: true, queryOffset: 2 });
    for (const implementation of implementations) {
      const r = scaledDotProductAttention(q, k, v, { mask: padding, bias, causal: true, queryOffset: 2, implementation, blockSize: 3 });
      expectClose(values(r.output), out, 1e-4, implementation);
    }
    expectClose(values(scaledDotProductAttention(q, k, v, { mask: padding, bias, causal: true, queryOffset: 2, returnWeights: true }).weights!), w, 1e-4, 'weights');
    // The same padding as an additive float mask.
    const additive = tensor(Array.from({ length: 14 }, (_, n) => (n % 7 >= [5, 7][Math.floor(n / 7)] ? -Infinity : 0)), [2, 1, 1, 7]);
    const r = scaledDotProductAttention(q, k, v, { mask: additive, bias, causal: true, queryOffset: 2 });
    expectClose(values(r.output), out, 1e-4, 'additive');
  });

  it('sliding-window mask', () => {
    const mask = slidingWindowMask(5, 7, 3); // queries at positions 2..6 see themselves and 2 before
    const [out] = referenceAttention(q, k, v, { hidden: (_b, _h, i, j) => j > i + 2 || j <= i + 2 - 3 });
    for (const implementation of implementations) {
      expectClose(values(scaledDotProductAttention(q, k, v, { mask, implementation, blockSize: 4 }).output), out, 1e-4, implementation);
    }
  });

  it('kvLength reads only the first positions of a longer (cache) tensor, masks may span the whole cache', () => {
    const [out] = referenceAttention(q, k, v, { kvLength: 6, causal: true });
    for (const implementation of ['fused', ...implementations] as const) {
      expectClose(values(scaledDotProductAttention(q, k, v, { kvLength: 6, causal: true, implementation, blockSize: 4 }).output), out, 1e-4, implementation);
    }
    const mask = causalMask(5, 7, 1); // spans all 7 cached positions
    for (const implementation of implementations) {
      expectClose(values(scaledDotProductAttention(q, k, v, { kvLength: 6, mask, implementation, blockSize: 4 }).output), out, 1e-4, `${implementation} with mask`);
    }
  });

  it('a fully masked row gives zero weights and a zero output, not NaN (every implementation)', () => {
    const mask = tensor([true, true, true, true, true, true, true], [1, 1, 1, 7], 'bool');
    for (const implementation of implementations) {
      const r = scaledDotProductAttention(q, k, v, { mask, implementation, returnWeights: implementation === 'composed' });
      const o = values(r.output);
      expect(o.every((x) => x === 0)).toBe(true);
      if (r.weights) expect(values(r.weights).every((x) => x === 0)).toBe(true);
    }
    // One hidden query row only (row 2 of every head), the others as usual.
    const rowMask = tensor(Array.from({ length: 35 }, (_, n) => Math.floor(n / 7) === 2), [5, 7], 'bool');
    const [out] = referenceAttention(q, k, v, { hidden: (_b, _h, i) => i === 2 });
    for (const implementation of implementations) {
      expectClose(values(scaledDotProductAttention(q, k, v, { mask: rowMask, implementation, blockSize: 2 }).output), out, 1e-4, implementation);
    }
  });

  it('errors name what does not fit', () => {
    expect(() => scaledDotProductAttention(zeros([1, 3, 2, 4]), zeros([1, 2, 2, 4]), zeros([1, 2, 2, 4]))).toThrow(/3 query heads cannot share 2 key\/value heads/);
    expect(() => scaledDotProductAttention(zeros([1, 2, 2, 4]), zeros([1, 2, 2, 5]), zeros([1, 2, 2, 5]))).toThrow(/k \[1, 2, 2, 5\] does not fit q \[1, 2, 2, 4\]/);
    expect(() => scaledDotProductAttention(zeros([2, 4]), zeros([2, 4]), zeros([2, 4]))).toThrow(/q must be \[batch, heads, seq, headDim\], got \[2, 4\]/);
    expect(() => scaledDotProductAttention(q, k, v, { mask: zeros([5, 6], 'bool') })).toThrow(/mask \[5, 6\] does not broadcast to \[batch, heads, seqQ, seqK\] = \[2, 4, 5, 7\]/);
    expect(() => scaledDotProductAttention(q, k, v, { kvLength: 9 })).toThrow(/kvLength 9 is outside the 7 positions/);
    expect(() => scaledDotProductAttention(q, k, v, { causal: true, kvLength: 3 })).toThrow(/needs an integer queryOffset ≥ 0, got -2/);
    expect(() => scaledDotProductAttention(q, k, v, { implementation: 'fused', mask: causalMask(5, 7) })).toThrow(/'fused' takes no mask/);
    expect(() => scaledDotProductAttention(q, k, v, { implementation: 'memory-efficient', returnWeights: true })).toThrow(/never builds the weights/);
  });
});

describe('mask builders', () => {
  it('causalMask, also for queries after cached positions', () => {
    expect(Array.from(causalMask(3, 3).dataSync())).toEqual([0, 1, 1, 0, 0, 1, 0, 0, 0]);
    expect(Array.from(causalMask(2, 4).dataSync())).toEqual([0, 0, 0, 1, 0, 0, 0, 0]);
    expect(Array.from(causalMask(1, 4, 1).dataSync())).toEqual([0, 0, 1, 1]);
    expect(() => causalMask(3, 2)).toThrow(/queryOffset must be an integer ≥ 0, got -1/);
  });
  it('slidingWindowMask', () => {
    expect(Array.from(slidingWindowMask(4, 4, 2).dataSync())).toEqual([0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0]);
    expect(Array.from(slidingWindowMask(4, 4, 4).dataSync())).toEqual(Array.from(causalMask(4, 4).dataSync()));
  });
  it('keyPaddingMask from lengths and from a PyTorch [batch, seqK] mask', () => {
    const m = keyPaddingMask([2, 3], 3);
    expect(m.shape).toEqual([2, 1, 1, 3]);
    expect(Array.from(m.dataSync())).toEqual([0, 0, 1, 0, 0, 0]);
    expect(keyPaddingMask(tensor([false, true], [1, 2], 'bool')).shape).toEqual([1, 1, 1, 2]);
    expect(() => keyPaddingMask([4], 3)).toThrow(/length 4 of sequence 0/);
    expect(() => keyPaddingMask(zeros([1, 2]))).toThrow(/expected a bool \[batch, seqK\] mask/);
  });
});
