import { describe, expect, it } from 'vitest';
import { createCpuBackend, neg, randomNormal, tensor, writeSlice, type Backend } from '@transformer-kit/tensor';
import { createGpuBackend, type GpuBackend } from '../src/index';
import { attendBoth, BLOCK, chainedCost, fillCaches, headDim, kvHeads, type Caches } from './kv-cache-run';

// A KV-cache append renders only the block of positions it lands in: the texels written per append are the
// same at position 1 and at position 1000, and attention over the blocks equals the CPU backend's — also past
// the blocks one launch can bind, where attention runs in several launches that carry a partial softmax.

/**
 * A headless-GL backend (with `perLaunch` KV blocks an attention launch, when given) and the CPU, caches of `cap`
 * positions filled to `steps`; asserts every append after the first (which cuts the cache into blocks)
 * re-rendered one block of 64 positions.
 */
async function filled(cap: number, steps: number, perLaunch?: number): Promise<{ gpu: GpuBackend; cpu: Backend; caches: Caches }> {
  const gpu = await createGpuBackend({ mode: 'headlessgl', log: () => {}, attentionBlocksPerLaunch: perLaunch });
  const cpu = createCpuBackend();
  const caches = fillCaches(gpu, cpu, cap, steps);
  const later = caches.texelsPerAppend.slice(1);
  expect(new Set(later).size).toBe(1);
  expect(later[0]).toBe(BLOCK * kvHeads * headDim);
  expect(later[0]).toBeLessThan(cap * kvHeads * headDim);
  return { gpu, cpu, caches };
}

describe('KV-cache appends', () => {
  it('write the same number of texels whatever the cache length, and attention reads across the blocks', async () => {
    const cap = 512;
    const { gpu, cpu, caches } = await filled(cap, 420);
    for (const length of [3, 64, 65, 300, 420]) expect(await attendBoth(gpu, cpu, caches, length, 3, true)).toEqual(chainedCost(length, gpu.info.attentionBlocksPerLaunch, 3));
    // The whole cache read back (blocks joined) equals the CPU's.
    const { g, c } = caches;
    expect(Array.from(await g.keys.data())).toEqual(Array.from(await c.keys.data()));
    // A write that is not an append along the blocked axis (here: one head, every position) replaces the blocks.
    const slab = randomNormal([1, 1, cap, headDim], 0, 1, { seed: 4242 }).dataSync();
    writeSlice(g.keys, tensor(slab.slice(), [1, 1, cap, headDim], 'float32', gpu), [0, 1, 0, 0]);
    writeSlice(c.keys, tensor(slab.slice(), [1, 1, cap, headDim], 'float32', cpu), [0, 1, 0, 0]);
    expect(Array.from(await g.keys.data())).toEqual(Array.from(await c.keys.data()));
    gpu.destroy();
  }, 300_000);

  it('past the blocks one launch binds, attention chains launches over groups of blocks and joins nothing', async () => {
    // Two blocks (128 positions) a launch: a 420-position cache is read in four launches.
    const cap = 512;
    const { gpu, cpu, caches } = await filled(cap, 420, 2);
    for (const [length, seqQ, causal] of [[1, 1, true], [128, 1, true], [129, 1, true], [200, 5, true], [300, 1, false], [420, 3, true], [420, 1, false]] as const) {
      const cost = await attendBoth(gpu, cpu, caches, length, seqQ, causal);
      // The texels are the partials and the output only: a joined K/V copy would add 2 · length · kvHeads · headDim.
      expect(cost, `length ${length}`).toEqual(chainedCost(length, 2, seqQ));
    }
    expect(chainedCost(420, 2, 1).launches).toBe(4);
    // Decode steps keep appending one block's texels while attention runs chained between them.
    const value = neg(tensor(new Float32Array(kvHeads * headDim).fill(0.5), [1, kvHeads, 1, headDim], 'float32', gpu));
    const before = gpu.stats().texelsWritten;
    writeSlice(caches.g.values, value, [0, 0, 420, 0]);
    expect(gpu.stats().texelsWritten - before).toBe(BLOCK * kvHeads * headDim);
    gpu.destroy();
  }, 300_000);

  it('past 960 positions with the headless-GL limit (15 blocks a launch), attention matches the CPU in two launches', async () => {
    const cap = 1024;
    const { gpu, cpu, caches } = await filled(cap, 1000);
    const perLaunch = gpu.info.attentionBlocksPerLaunch;
    expect(perLaunch * BLOCK).toBeLessThan(1000); // 960 on llvmpipe: the cache is past one launch
    for (const length of [960, 961, 1000]) expect(await attendBoth(gpu, cpu, caches, length, 1, true)).toEqual(chainedCost(length, perLaunch, 1));
    gpu.destroy();
  }, 300_000);

  it('refuses a blocks-per-launch limit the texture units cannot bind, naming the value and the rule', async () => {
    await expect(createGpuBackend({ mode: 'headlessgl', log: () => {}, attentionBlocksPerLaunch: 0 })).rejects.toThrow(/attentionBlocksPerLaunch is 0; it must be an integer from 1 to \d+/);
    await expect(createGpuBackend({ mode: 'headlessgl', log: () => {}, attentionBlocksPerLaunch: 1000 })).rejects.toThrow(/attentionBlocksPerLaunch is 1000/);
  });
});
