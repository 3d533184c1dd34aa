import { describe, expect, it } from 'vitest';
import { memory, ones, randomNormal, tidy, zeros } from '@transformer-kit/tensor';
import { Linear, MultiHeadAttention } from '@transformer-kit/attention';
import { FeedForward, LayerNorm, RMSNorm, TransformerBlock } from '@transformer-kit/transformer';

const dim = 8;
const w = (out: number, inp: number, seed: number) => ({ weight: randomNormal([out, inp], 0, 0.2, { seed }) });

/** Every layer built inside a tidy (a loader may do that): its constructor must keep what it is given. */
function block(placement: 'pre' | 'post'): TransformerBlock {
  return tidy(
    () =>
      new TransformerBlock({
        placement,
        selfAttention: new MultiHeadAttention({ dim, heads: 2 }, { q: w(dim, dim, 1), k: w(dim, dim, 2), v: w(dim, dim, 3), o: w(dim, dim, 4) }),
        selfAttentionNorm: new LayerNorm(ones([dim]), zeros([dim])),
        feedForward: new FeedForward({ gate: w(16, dim, 5), up: new Linear(w(16, dim, 6).weight), down: w(dim, 16, 7) }, 'silu'),
        feedForwardNorm: new RMSNorm(ones([dim])),
      }),
  );
}

describe('one memory idiom: a forward is a tidy over the math, a constructor owns what it is given', () => {
  for (const placement of ['pre', 'post'] as const) {
    it(`${placement}-LN block: built in a tidy it still runs; a forward leaves only its outputs; dispose() frees the rest`, () => {
      const start = memory().numTensors;
      const b = block(placement);
      const owned = memory().numTensors - start; // 4 projections, 2 norms (3 tensors), 3 feed-forward matrices
      expect(owned).toBe(4 + 3 + 3);
      const x = randomNormal([1, 5, dim], 0, 1, { seed: 8 });
      const before = memory().numTensors;
      const { output } = b.forward(x, { causal: true });
      expect(output.shape).toEqual([1, 5, dim]);
      expect(memory().numTensors).toBe(before + 1);
      const withWeights = b.forward(x, { causal: true, returnWeights: true });
      expect(withWeights.selfWeights!.shape).toEqual([1, 2, 5, 5]);
      expect(memory().numTensors).toBe(before + 3);
      for (const t of [x, output, withWeights.output, withWeights.selfWeights!]) t.dispose();
      b.dispose();
      expect(memory().numTensors).toBe(start);
    });
  }

  it('FeedForward takes a Linear or its { weight } alike (what attention takes), and computes down(silu(gate(x)) ⊙ up(x))', () => {
    const weights = { gate: w(4, 2, 1).weight, up: w(4, 2, 2).weight, down: w(2, 4, 3).weight };
    const x = randomNormal([1, 3, 2], 0, 1, { seed: 4 });
    const plain = new FeedForward({ gate: { weight: weights.gate }, up: { weight: weights.up }, down: { weight: weights.down } }, 'silu');
    const [xs, g, u, d] = [x.dataSync(), weights.gate.dataSync(), weights.up.dataSync(), weights.down.dataSync()];
    const silu = (v: number) => v / (1 + Math.exp(-v));
    const want: number[] = [];
    for (let t = 0; t < 3; t++) {
      const h = [0, 1, 2, 3].map((j) => silu(g[2 * j] * xs[2 * t] + g[2 * j + 1] * xs[2 * t + 1]) * (u[2 * j] * xs[2 * t] + u[2 * j + 1] * xs[2 * t + 1]));
      for (let o = 0; o < 2; o++) want.push(h.reduce((s, hj, j) => s + d[4 * o + j] * hj, 0));
    }
    const got = plain.forward(x).dataSync();
    want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(v)));
    expect(plain.weights.up).toBeInstanceOf(Linear);
  });
});
