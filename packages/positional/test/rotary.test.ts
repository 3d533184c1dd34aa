import { memory, randomNormal } from '@transformer-kit/tensor';
import { describe, expect, it } from 'vitest';
import { RotaryEmbedding, rotaryFrequencies, rotaryTables } from '../src/index';
import { expectClose, loadFixture, values } from './helpers/fixtures';

const layouts = { interleaved: 'interleaved', half: 'halves' } as const;

describe('rotary embeddings against the fixtures', () => {
  for (const name of ['rope-interleaved', 'rope-half-offset']) {
    it(name, (ctx) => {
      const fx = loadFixture(`positional/${name}.safetensors`);
      if (!fx) return ctx.skip();
      const c = fx.config as { head_dim: number; theta: number; layout: keyof typeof layouts; position_offset: number };
      const rope = new RotaryEmbedding({ headDim: c.head_dim, theta: c.theta, layout: layouts[c.layout], maxLength: 8 });
      const x = fx.file.tensor('input.x'); // [1, heads, seq, headDim]
      expectClose(values(rope.apply(x, c.position_offset)), fx.file.read('expected.output'), 1e-4, name);
      // The hook rotates q and k alike (k with fewer heads, as under GQA).
      const [q, k] = rope.rotateFn()(x, x, c.position_offset);
      expectClose(values(q), fx.file.read('expected.output'), 1e-4, 'q');
      expectClose(values(k), fx.file.read('expected.output'), 1e-4, 'k');
      rope.dispose();
    });
  }
});

describe('rotary embeddings', () => {
  it("llama2.c's frequencies: 1 / 10000^(d / head_size) for even d", () => {
    const f = rotaryFrequencies(8);
    for (let d = 0; d < 8; d += 2) expect(f[d / 2]).toBeCloseTo(1 / Math.pow(10000, d / 8), 12);
  });

  it('partial rotary (GPT-NeoX rotary_pct): the first rotaryDim dims rotate, with frequencies over rotaryDim; the rest pass through', () => {
    const headDim = 12;
    const rotaryDim = 4;
    const rope = new RotaryEmbedding({ headDim, rotaryDim, layout: 'halves', theta: 10000 });
    const x = randomNormal([1, 2, 3, headDim], 0, 1, { seed: 5 });
    const xs = values(x);
    const out = values(rope.apply(x, 7));
    const expected = Float64Array.from(xs);
    for (let row = 0; row < 6; row++) {
      const pos = 7 + (row % 3);
      for (let i = 0; i < rotaryDim / 2; i++) {
        const angle = pos * Math.pow(10000, (-2 * i) / rotaryDim);
        const a = xs[row * headDim + i];
        const b = xs[row * headDim + i + rotaryDim / 2];
        expected[row * headDim + i] = a * Math.cos(angle) - b * Math.sin(angle);
        expected[row * headDim + i + rotaryDim / 2] = a * Math.sin(angle) + b * Math.cos(angle);
      }
    }
    expectClose(out, expected, 1e-5, 'partial');
  });

  it('decode steps slice the cached tables: no recomputation, the same angles as a fresh table', () => {
    const rope = new RotaryEmbedding({ headDim: 8, maxLength: 16 });
    expect(rope.cachedLength).toBe(0);
    const x = randomNormal([1, 1, 1, 8], 0, 1, { seed: 1 });
    for (let t = 0; t < 16; t++) rope.apply(x, t).dispose();
    expect(rope.cachedLength).toBe(16); // computed once, for maxLength
    const before = memory().numTensors;
    rope.apply(x, 16).dispose(); // past maxLength: the table doubles once
    expect(rope.cachedLength).toBe(32);
    expect(memory().numTensors).toBe(before); // nothing leaks per step
    const fresh = rotaryTables(3, 8, { offset: 20 });
    const cached = rope.tables(3, 20);
    expectClose(values(cached.cos), values(fresh.cos), 0, 'cos');
    expectClose(values(cached.sin), values(fresh.sin), 0, 'sin');
    rope.dispose();
  });

  it('grows with the positions used, never with a huge declared maxLength (issue #12, finding 4)', () => {
    const rope = new RotaryEmbedding({ headDim: 8, maxLength: 2 ** 28 });
    const x = randomNormal([1, 1, 5, 8], 0, 1, { seed: 1 });
    rope.apply(x, 0).dispose(); // positions 0..4
    expect(rope.cachedLength).toBe(256); // was 2^28 rows (6 GB) before the fix
    rope.apply(randomNormal([1, 1, 1, 8], 0, 1, { seed: 2 }), 1000).dispose();
    expect(rope.cachedLength).toBe(1024); // doubled until position 1000 fits
    const fresh = rotaryTables(1, 8, { offset: 1000 });
    const cached = rope.tables(1, 1000);
    expectClose(values(cached.cos), values(fresh.cos), 0, 'cos');
    expectClose(values(cached.sin), values(fresh.sin), 0, 'sin');
    rope.dispose();
  });

  it('names bad sizes', () => {
    expect(() => new RotaryEmbedding({ headDim: 8, rotaryDim: 10 })).toThrow(/rotaryDim must be an even integer in 2\.\.headDim \(8\), got 10/);
    const rope = new RotaryEmbedding({ headDim: 8 });
    expect(() => rope.apply(randomNormal([1, 2, 3, 6]))).toThrow(/x must be \[\.\.\., seq, headDim 8\], got \[1, 2, 3, 6\]/);
    expect(() => rope.rotateFn()(randomNormal([1, 2, 3, 8]), randomNormal([1, 2, 2, 8]), 0)).toThrow(/q has 3 positions but k has 2/);
  });
});
