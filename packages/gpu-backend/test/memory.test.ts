import { describe, expect, it } from 'vitest';
import { attend, gather, matmul, randomNormal, rmsNorm, tensor, tidy, writeSlice, zeros, argmax, softmax, type Tensor } from '@transformer-kit/tensor';
import { createGpuBackend } from '../src/index';

describe('memory', () => {
  it('keeps the number of live textures flat over a 200-step decode loop with a KV cache', async () => {
    const gpu = await createGpuBackend({ mode: 'headlessgl', log: () => {}, countGlTextures: true });
    const dim = 16;
    const emb = tensor(randomNormal([64, dim], 0, 1, { seed: 1 }).dataSync(), [64, dim], 'float32', gpu);
    const w = tensor(randomNormal([dim, dim], 0, 0.3, { seed: 2 }).dataSync(), [dim, dim], 'float32', gpu);
    const keys = zeros([1, 2, 256, 8], 'float32', gpu); // [batch, kvHeads, maxLength, headDim]
    const values = zeros([1, 2, 256, 8], 'float32', gpu);
    let token = 3;
    const counts: { textures: number; gl: number | null; data: number }[] = [];
    for (let step = 0; step < 200; step++) {
      const logits: Tensor = tidy(() => {
        const x = gather(emb, tensor([token], [1], 'int32', gpu)); // [1, dim]
        const h = rmsNorm(matmul(x, w), null, 1e-5);
        const kv = h.reshape([1, 2, 1, 8]);
        writeSlice(keys, kv, [0, 0, step, 0]);
        writeSlice(values, kv, [0, 0, step, 0]);
        const q = h.reshape([1, 2, 1, 8]);
        const o = attend(q, keys, values, { kvLength: step + 1, causal: true }).reshape([1, dim]);
        return softmax(matmul(o, emb, { transposeB: true })); // [1, 64]
      });
      const next = argmax(logits);
      token = (await next.data())[0];
      next.dispose();
      logits.dispose();
      const s = gpu.stats();
      counts.push({ textures: s.liveTextures, gl: s.glTextures, data: s.liveData });
    }
    // After warm-up (kernels compile and keep their one texture each), nothing grows.
    const settled = counts.slice(10);
    expect(new Set(settled.map((c) => c.textures)).size, JSON.stringify(settled.slice(0, 3))).toBe(1);
    expect(settled[0].gl).toBeGreaterThan(0);
    expect(new Set(settled.map((c) => c.gl)).size).toBe(1);
    expect(new Set(settled.map((c) => c.data)).size).toBe(1);
    expect(gpu.liveTextureCount()).toBe(counts[10].textures);
    for (const t of [emb, w, keys, values]) t.dispose();
    expect(gpu.liveDataCount()).toBe(0);
    expect(gpu.liveTextureCount()).toBe(0);
    gpu.destroy();
  });

  it('counts GL textures only when asked, and never on a context the caller passes in', async () => {
    const plain = await createGpuBackend({ mode: 'headlessgl', log: () => {} });
    expect(plain.stats().glTextures).toBeNull();
    plain.destroy();
    const name = 'gl'; // untyped module
    const { default: createContext } = (await import(name)) as { default: (w: number, h: number) => { createTexture: unknown } };
    const context = createContext(1, 1);
    const create = context.createTexture;
    await expect(createGpuBackend({ context, countGlTextures: true, log: () => {} })).rejects.toThrow(/countGlTextures .* not available with a `context` of your own/);
    expect(context.createTexture).toBe(create);
  });
});
