import { beforeEach, describe, expect, it } from 'vitest';
import {
  add, attend, createCpuBackend, dispose, exp, keep, layerNorm, matmul, memory, mul, randomNormal, setBackend, softmax, tensor, tidy,
  type Tensor,
} from '@transformer-kit/tensor';

beforeEach(() => {
  setBackend(createCpuBackend());
});

describe('memory', () => {
  it('1000 ops inside tidy leave numTensors and numDataIds where they started', () => {
    const start = memory();
    const x = randomNormal([4, 16], 0, 1, { seed: 1 });
    const w = randomNormal([16, 16], 0, 0.2, { seed: 2 });
    tidy(() => {
      let h = x;
      for (let i = 0; i < 250; i++) h = layerNorm(add(matmul(h, w), exp(mul(h, 0.01)))); // 4 ops a turn... plus their temporaries
      return undefined;
    });
    expect(memory().numTensors).toBe(start.numTensors + 2);
    expect(memory().numDataIds).toBe(start.numDataIds + 2);
    dispose([x, w]);
    expect(memory()).toEqual(start);
  });

  it('composites (softmax over an axis, attend with a cache) free their temporaries', () => {
    const start = memory();
    const x = randomNormal([3, 4, 5], 0, 1, { seed: 3 });
    const q = randomNormal([1, 4, 1, 8], 0, 1, { seed: 4 });
    const kv = randomNormal([1, 2, 9, 8], 0, 1, { seed: 5 });
    const outs = [softmax(x, 0), softmax(x, 1), attend(q, kv, kv, { causal: true, queryOffset: 4, kvLength: 5 })];
    expect(memory().numTensors).toBe(start.numTensors + 6);
    expect(memory().numDataIds).toBe(start.numDataIds + 6);
    dispose([x, q, kv, outs]);
    expect(memory()).toEqual(start);
  });

  it('tidy returns nested results alive (arrays, plain objects) and frees the rest; keep() escapes', () => {
    const start = memory();
    let kept: Tensor | undefined;
    const result = tidy(() => {
      const a = tensor([1, 2], [2]);
      kept = keep(mul(a, 10));
      return { pair: [add(a, 1), mul(a, 2)], single: exp(a) };
    });
    expect(memory().numTensors).toBe(start.numTensors + 4);
    dispose([result, kept]);
    expect(memory()).toEqual(start);
  });

  it('nested tidy: the inner result survives into the outer scope, then the outer frees it', () => {
    const start = memory();
    const out = tidy(() => {
      const inner = tidy(() => add(tensor([1], [1]), 1));
      expect(inner.isDisposed).toBe(false);
      return mul(inner, 3);
    });
    expect(memory().numTensors).toBe(start.numTensors + 1);
    expect(out.dataSync()).toEqual(Float32Array.from([6]));
    out.dispose();
    expect(memory()).toEqual(start);
  });

  it('tidy refuses an async function instead of freeing tensors it still uses', () => {
    const start = memory();
    expect(() => tidy((async () => tensor([1], [1])) as unknown as () => Tensor)).toThrow(/synchronous/);
    expect(memory()).toEqual(start);
  });

  it('reshape views share one storage, freed with the last view', () => {
    const start = memory();
    const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const v1 = t.reshape([3, 2]);
    const v2 = v1.reshape([6]);
    expect(memory().numTensors - start.numTensors).toBe(3);
    expect(memory().numDataIds - start.numDataIds).toBe(1);
    t.dispose();
    v1.dispose();
    expect(Array.from(v2.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    v2.dispose();
    expect(memory()).toEqual(start);
  });

  it('dispose twice is safe and counts once', () => {
    const start = memory();
    const t = tensor([1], [1]);
    t.dispose();
    t.dispose();
    dispose([t, t]);
    expect(memory()).toEqual(start);
  });

  it('use after dispose throws an error naming the tensor', async () => {
    const t = tensor([1, 2], [1, 2]);
    t.dispose();
    expect(() => t.dataSync()).toThrow('Tensor [1, 2] float32 was used after dispose()');
    expect(() => t.data()).toThrow(/used after dispose/);
    expect(() => add(t, 1)).toThrow(/Tensor \[1, 2\] float32 was used after dispose/);
    expect(String(t)).toBe('Tensor [1, 2] float32 (disposed)');
  });

  it('readSync returns a copy: writing to it does not change the tensor', () => {
    const t = tensor([1, 2], [2]);
    t.dataSync()[0] = 99;
    expect(Array.from(t.dataSync())).toEqual([1, 2]);
    t.dispose();
  });
});
