import { describe, expect, it } from 'vitest';
import { attend, createCpuBackend, neg, randomNormal, tensor, writeSlice, zeros, type Backend } from '@transformer-kit/tensor';
import { createGpuBackend } from '../src/index';

// A KV-cache append renders only the block of positions it lands in: the texels written per append are the
// same at position 1 and at position 400, and attention over the blocks equals the CPU reference.
describe('KV-cache appends', () => {
  it('write the same number of texels whatever the cache length, and attention reads across the blocks', async () => {
    const gpu = await createGpuBackend({ mode: 'headlessgl', log: () => {} });
    const cpu = createCpuBackend();
    const [kvHeads, cap, headDim, heads] = [2, 512, 8, 4];
    const make = (b: Backend) => ({ keys: zeros([1, kvHeads, cap, headDim], 'float32', b), values: zeros([1, kvHeads, cap, headDim], 'float32', b) });
    const [g, c] = [make(gpu), make(cpu)];
    const texelsPerAppend: number[] = [];
    for (let step = 0; step < 420; step++) {
      const kv = randomNormal([1, kvHeads, 1, headDim], 0, 1, { seed: step + 1 }).dataSync();
      const on = (b: Backend) => tensor(kv.slice(), [1, kvHeads, 1, headDim], 'float32', b);
      const [kg, kc] = [on(gpu), on(cpu)];
      const [vg, vc] = [neg(kg), neg(kc)]; // values = -keys, already a texture on the GPU
      writeSlice(g.keys, kg, [0, 0, step, 0]);
      const before = gpu.stats().texelsWritten;
      writeSlice(g.values, vg, [0, 0, step, 0]);
      texelsPerAppend.push(gpu.stats().texelsWritten - before);
      writeSlice(c.keys, kc, [0, 0, step, 0]);
      writeSlice(c.values, vc, [0, 0, step, 0]);
      for (const t of [kg, kc, vg, vc]) t.dispose();
    }
    // One block of 64 positions × kvHeads × headDim, at every step after the first (which cuts the cache into blocks).
    const later = texelsPerAppend.slice(1);
    expect(new Set(later).size).toBe(1);
    expect(later[0]).toBe(64 * kvHeads * headDim);
    expect(later[0]).toBeLessThan(cap * kvHeads * headDim);
    const qHost = randomNormal([1, heads, 3, headDim], 0, 1, { seed: 999 }).dataSync();
    for (const length of [3, 64, 65, 300, 420]) {
      const options = { kvLength: length, causal: true, queryOffset: length - 3 };
      const actual = await attend(tensor(qHost.slice(), [1, heads, 3, headDim], 'float32', gpu), g.keys, g.values, options).data();
      const expected = await attend(tensor(qHost.slice(), [1, heads, 3, headDim], 'float32', cpu), c.keys, c.values, options).data();
      for (let i = 0; i < expected.length; i++) {
        if (!(Math.abs(actual[i] - expected[i]) <= 2e-3 + 2e-3 * Math.abs(expected[i]))) throw new Error(`length ${length}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
      }
    }
    // The whole cache read back (blocks joined) equals the CPU's.
    const [gk, ck] = [await g.keys.data(), await c.keys.data()];
    expect(Array.from(gk)).toEqual(Array.from(ck));
    // A write that is not an append along the blocked axis (here: one head, every position) replaces the blocks.
    const slab = randomNormal([1, 1, cap, headDim], 0, 1, { seed: 4242 }).dataSync();
    writeSlice(g.keys, tensor(slab.slice(), [1, 1, cap, headDim], 'float32', gpu), [0, 1, 0, 0]);
    writeSlice(c.keys, tensor(slab.slice(), [1, 1, cap, headDim], 'float32', cpu), [0, 1, 0, 0]);
    expect(Array.from(await g.keys.data())).toEqual(Array.from(await c.keys.data()));
    gpu.destroy();
  }, 300_000);
});
