import { concat, memory, randomNormal, slice, tensor, type Tensor } from '@transformer-kit/tensor';
import { describe, expect, it } from 'vitest';
import { KVCache, MultiHeadAttention } from '../src/index';
import { expectClose, loadFixture, values } from './helpers/fixtures';

function fixtureLayer(name: string) {
  const fx = loadFixture(`attention/${name}.safetensors`);
  if (!fx) return null;
  const { file, config } = fx;
  const heads = config.num_heads as number;
  const kvHeads = config.num_kv_heads as number;
  const headDim = config.head_dim as number;
  const mha = new MultiHeadAttention(
    { dim: config.embed_dim as number, heads, kvHeads, headDim },
    { q: { weight: file.tensor('weight.wq') }, k: { weight: file.tensor('weight.wk') }, v: { weight: file.tensor('weight.wv') }, o: { weight: file.tensor('weight.wo') } },
  );
  return { file, mha, kvHeads, headDim, x: file.tensor('input.x') };
}

describe('KVCache: one position at a time reproduces the full causal pass', () => {
  for (const name of ['gqa-causal', 'mqa-causal']) {
    it(`${name}: row by row`, (ctx) => {
      const fl = fixtureLayer(name);
      if (!fl) return ctx.skip();
      const { file, mha, kvHeads, headDim, x } = fl;
      const [batch, seq, dim] = x.shape;
      const cache = new KVCache({ layers: 1, batch, kvHeads, headDim, maxLength: seq + 3 });
      const layer = cache.layer(0);
      const expected = file.read('expected.output'); // [batch, seq, dim]
      const rows: Tensor[] = [];
      for (let t = 0; t < seq; t++) {
        const step = mha.forward(slice(x, [0, t, 0], [batch, 1, dim]), undefined, { cache: layer }); // [batch, 1, dim]
        expect(cache.length).toBe(t + 1);
        const got = values(step.output);
        for (let b = 0; b < batch; b++) {
          const want = expected.subarray((b * seq + t) * dim, (b * seq + t + 1) * dim);
          expectClose(got.subarray(b * dim, (b + 1) * dim), want, 1e-4, `batch ${b} position ${t}`);
        }
        rows.push(step.output);
      }
      expectClose(values(concat(rows, 1)), expected, 1e-4, 'all rows');
      cache.dispose();
      mha.dispose();
    });
  }

  it('gqa-causal: a prefill of 4 positions then single steps, with the causal block after the cache', (ctx) => {
    const fl = fixtureLayer('gqa-causal');
    if (!fl) return ctx.skip();
    const { file, mha, kvHeads, headDim, x } = fl;
    const [batch, seq, dim] = x.shape;
    const cache = new KVCache({ layers: 2, batch, kvHeads, headDim, maxLength: seq });
    const prefill = mha.forward(slice(x, [0, 0, 0], [batch, 4, dim]), undefined, { cache: cache.layer(1) });
    const block = mha.forward(slice(x, [0, 4, 0], [batch, seq - 4, dim]), undefined, { cache: cache.layer(1) }); // 3 queries after 4 cached
    expectClose(values(concat([prefill.output, block.output], 1)), file.read('expected.output'), 1e-4, 'prefill + block');
    expect(cache.layer(1).length).toBe(seq);
    expect(cache.length).toBe(0); // layer 0 holds nothing: the cache length is what every layer holds
    expect(() => mha.forward(slice(x, [0, 0, 0], [batch, 1, dim]), undefined, { cache: cache.layer(1) })).toThrow(/appending 1 position\(s\) to 7 exceeds maxLength 7/);
    cache.dispose();
    mha.dispose();
  });
});

describe('KVCache storage', () => {
  it('is preallocated and written in place: the same tensors every step, no new storage per token', () => {
    const cache = new KVCache({ layers: 1, kvHeads: 2, headDim: 4, maxLength: 8 });
    const layer = cache.layer(0);
    const k = randomNormal([1, 2, 1, 4], 0, 1, { seed: 1 });
    const first = layer.append(k, k);
    const live = memory().numDataIds;
    for (let t = 1; t < 8; t++) {
      const r = layer.append(k, k);
      expect(r.keys).toBe(first.keys);
      expect(r.values).toBe(first.values);
      expect(r.offset).toBe(t);
      expect(r.length).toBe(t + 1);
    }
    expect(memory().numDataIds).toBe(live);
    expect(first.keys.shape).toEqual([1, 2, 8, 4]);
    // position 5 holds what was appended there
    expectClose(values(slice(first.keys, [0, 0, 5, 0], [1, 2, 1, 4])), values(k), 0, 'written slot');
    expect(() => layer.append(k, k)).toThrow(/KVCache layer 0: appending 1 position\(s\) to 8 exceeds maxLength 8/);
    cache.reset();
    expect(cache.length).toBe(0);
    expect(layer.append(k, k).offset).toBe(0);
    cache.dispose();
    expect(() => cache.layer(0)).toThrow(/after dispose/);
  });

  it('names what does not fit', () => {
    const cache = new KVCache({ layers: 2, batch: 1, kvHeads: 2, headDim: 4, maxLength: 8 });
    const bad = randomNormal([1, 3, 1, 4], 0, 1, { seed: 1 });
    expect(() => cache.layer(0).append(bad, bad)).toThrow(/k must be float32 \[batch 1, kvHeads 2, seq, headDim 4\], got float32 \[1, 3, 1, 4\]/);
    expect(() => cache.layer(2)).toThrow(/layer 2 does not exist \(the cache has 2 layers\)/);
    expect(() => new KVCache({ layers: 1, kvHeads: 2, headDim: 4, maxLength: 0 })).toThrow(/maxLength must be an integer ≥ 1/);
    cache.dispose();
  });

  it('with a rotate hook: cached decoding equals the full pass (rotation uses the cache length as offset)', () => {
    const w = (out: number, seed: number) => ({ weight: randomNormal([out, 8], 0, 0.4, { seed }) });
    const mha = new MultiHeadAttention({ dim: 8, heads: 2, kvHeads: 1 }, { q: w(8, 1), k: w(4, 2), v: w(4, 3), o: w(8, 4) });
    // A position-dependent hook (adds offset + row to every element) makes a wrong offset visible.
    const rotate = (q: Tensor, k: Tensor, offset: number): [Tensor, Tensor] => {
      const shift = (t: Tensor) => {
        const d = Float32Array.from(t.dataSync());
        const [, , s, hd] = t.shape;
        for (let i = 0; i < d.length; i++) d[i] += 0.1 * (offset + (Math.floor(i / hd) % s));
        return tensor(d, t.shape.slice());
      };
      return [shift(q), shift(k)];
    };
    const x = randomNormal([1, 5, 8], 0, 1, { seed: 7 });
    const full = values(mha.forward(x, undefined, { causal: true, rotate }).output);
    const cache = new KVCache({ layers: 1, kvHeads: 1, headDim: 4, maxLength: 5 });
    const steps = [0, 1, 2, 3, 4].map((t) => mha.forward(slice(x, [0, t, 0], [1, 1, 8]), undefined, { rotate, cache: cache.layer(0) }).output);
    expectClose(values(concat(steps, 1)), full, 1e-5, 'rotated, cached');
    cache.dispose();
    mha.dispose();
  });
});
