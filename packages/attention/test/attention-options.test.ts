import { ones, randomNormal, slice, tensor } from '@transformer-kit/tensor';
import { describe, expect, it } from 'vitest';
import { KVCache, MultiHeadAttention, memoryEfficientAttention, scaledDotProductAttention, slidingWindowMask } from '../src/index';
import { expectClose, values } from './helpers/fixtures';
import { referenceAttention } from './helpers/reference-attention';

// Soft-capping (Gemma 2), the sliding window (Mistral, Gemma 2, Phi-3) and per-head q/k norms (Qwen3) against
// the float64 definition, on every path that takes them.
describe('softCap and window against the float64 definition', () => {
  const q = randomNormal([1, 4, 40, 16], 0, 1.5, { seed: 21 }); // [batch, heads, seq, headDim]: large scores, so the cap bites
  const k = randomNormal([1, 2, 40, 16], 0, 1.5, { seed: 22 });
  const v = randomNormal([1, 2, 40, 16], 0, 1, { seed: 23 });
  const cases = {
    'soft-cap 5': { softCap: 5, causal: true },
    'window 7': { window: 7, causal: true },
    'window 7 + soft-cap 2 + scale': { window: 7, softCap: 2, scale: 0.3, causal: true },
    'window 1 (only itself)': { window: 1, causal: true },
  };
  for (const [name, options] of Object.entries(cases)) {
    const [expected] = referenceAttention(q, k, v, options);
    it(`${name}: composed`, () => {
      expectClose(values(scaledDotProductAttention(q, k, v, options).output), expected, 1e-5, name);
    });
    it(`${name}: memory-efficient, blocks of 8`, () => {
      expectClose(values(memoryEfficientAttention(q, k, v, { ...options, blockSize: 8 })), expected, 1e-5, name);
    });
  }

  it('window over a cache: queries after 30 cached positions, 38 valid keys', () => {
    const options = { window: 5, causal: true, queryOffset: 30, kvLength: 38 };
    const q8 = slice(q, [0, 0, 0, 0], [1, 4, 8, 16]);
    const [expected] = referenceAttention(q8, k, v, options);
    expectClose(values(scaledDotProductAttention(q8, k, v, options).output), expected, 1e-5);
    expectClose(values(memoryEfficientAttention(q8, k, v, { ...options, blockSize: 3 })), expected, 1e-5);
  });

  it('the window equals slidingWindowMask as an explicit mask', () => {
    const viaOption = scaledDotProductAttention(q, k, v, { window: 6, causal: true }).output;
    const viaMask = scaledDotProductAttention(q, k, v, { mask: slidingWindowMask(40, 40, 6) }).output;
    expectClose(values(viaOption), values(viaMask), 1e-6);
  });

  it('rejects a bad cap or window, a window without causal, and the fused path', () => {
    expect(() => scaledDotProductAttention(q, k, v, { softCap: 0 })).toThrow('scaledDotProductAttention: softCap must be a finite number > 0, got 0');
    expect(() => scaledDotProductAttention(q, k, v, { window: 2.5, causal: true })).toThrow('window must be an integer ≥ 1, got 2.5');
    expect(() => scaledDotProductAttention(q, k, v, { window: 4 })).toThrow('a sliding window needs causal attention');
    expect(() => scaledDotProductAttention(q, k, v, { softCap: 5, implementation: 'fused' })).toThrow("implementation 'fused' takes no mask, bias, softCap or window that hides keys");
  });
});

describe('MultiHeadAttention options', () => {
  const dim = 16;
  const w = (out: number, inDim: number, seed: number) => ({ weight: randomNormal([out, inDim], 0, 0.4, { seed }) });
  const weights = () => ({ q: w(16, dim, 1), k: w(8, dim, 2), v: w(8, dim, 3), o: w(dim, 16, 4) });
  const x = randomNormal([1, 12, dim], 0, 1, { seed: 5 }); // [batch, seq, dim]

  it('decodes token by token through the cache with a window and soft-cap as in one pass', () => {
    const config = { dim, heads: 4, kvHeads: 2, window: 3, softCap: 1.5 };
    const mha = new MultiHeadAttention(config, weights());
    const full = values(mha.forward(x, undefined, { causal: true }).output); // [1, 12, 16]
    const cache = new KVCache({ layers: 1, kvHeads: 2, headDim: 4, maxLength: 12 });
    const steps: number[] = [];
    for (let t = 0; t < 12; t++) steps.push(...values(mha.forward(slice(x, [0, t, 0], [1, 1, dim]), undefined, { cache: cache.layer(0) }).output));
    expectClose(steps, full, 1e-5);
  });

  it('q/k norms: RMSNorm with γ over each head of q and of k', () => {
    const gammaQ = tensor(Array.from({ length: 4 }, (_, i) => 0.5 + i), [4]);
    const gammaK = tensor([2, 1, 0.5, 1.5], [4]);
    const wts = weights();
    const mha = new MultiHeadAttention({ dim, heads: 4, kvHeads: 2, qkNormEps: 1e-6 }, { ...wts, qNorm: gammaQ, kNorm: gammaK });
    // the definition: project, then per head h: q_h / rms(q_h) · γ
    const project = (weight: ReturnType<typeof w>['weight'], heads: number, gamma: number[]) => {
      const xd = x.dataSync();
      const wd = weight.dataSync();
      const out = new Float64Array(heads * 12 * 4); // [heads, seq, headDim]
      for (let s = 0; s < 12; s++)
        for (let h = 0; h < heads; h++) {
          const row = Array.from({ length: 4 }, (_, d) => {
            let acc = 0;
            for (let i = 0; i < dim; i++) acc += xd[s * dim + i] * wd[(h * 4 + d) * dim + i];
            return acc;
          });
          const rms = Math.sqrt(row.reduce((a, b) => a + b * b, 0) / 4 + 1e-6);
          for (let d = 0; d < 4; d++) out[(h * 12 + s) * 4 + d] = (row[d] / rms) * gamma[d];
        }
      return tensor(Float32Array.from(out), [1, heads, 12, 4]);
    };
    const qn = project(wts.q.weight, 4, [0.5, 1.5, 2.5, 3.5]);
    const kn = project(wts.k.weight, 2, [2, 1, 0.5, 1.5]);
    // the attention weights depend on q and k only: they must be those of the normalised q/k
    const got = values(mha.forward(x, undefined, { causal: true, returnWeights: true }).weights!); // [1, 4, 12, 12]
    const [, expectedWeights] = referenceAttention(qn, kn, kn, { causal: true });
    expectClose(got, expectedWeights, 1e-5);
    expect(() => new MultiHeadAttention({ dim, heads: 4, kvHeads: 2 }, { ...weights(), qNorm: ones([3]) })).toThrow('MultiHeadAttention: qNorm must be [4] (one γ per head dimension), got [3]');
    expect(() => new MultiHeadAttention({ dim, heads: 4, kvHeads: 2, window: 0 }, weights())).toThrow('MultiHeadAttention: window must be an integer ≥ 1, got 0');
    expect(() => new MultiHeadAttention({ dim, heads: 4, kvHeads: 2, softCap: -1 }, weights())).toThrow('MultiHeadAttention: softCap must be a finite number > 0, got -1');
  });
});

describe('a window that hides nothing', () => {
  it('keeps the fused path and its answer (Phi-3: a window of 2047 over a short context)', () => {
    const q = randomNormal([1, 2, 10, 8], 0, 1, { seed: 31 });
    const k = randomNormal([1, 2, 10, 8], 0, 1, { seed: 32 });
    const v = randomNormal([1, 2, 10, 8], 0, 1, { seed: 33 });
    const fused = scaledDotProductAttention(q, k, v, { causal: true, window: 10, implementation: 'fused' }).output;
    expectClose(values(fused), values(scaledDotProductAttention(q, k, v, { causal: true }).output), 1e-6);
    expect(() => scaledDotProductAttention(q, k, v, { causal: true, window: 9, implementation: 'fused' })).toThrow('window that hides keys');
  });
});
