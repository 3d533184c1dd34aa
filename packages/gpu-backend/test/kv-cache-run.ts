// Test helpers shared by test/kv-append.test.ts (headless GL) and the Chromium page (test/browser): a KV cache
// filled one position at a time on the GPU and on the CPU, and attention over it compared at 2e-3.
import { attend, neg, randomNormal, tensor, writeSlice, zeros, type Backend, type Tensor } from '@transformer-kit/tensor';
import type { GpuBackend } from '../src/index';

/** Positions per KV-cache block (BLOCK_POSITIONS in src/blocked-write.ts). */
export const BLOCK = 64;
export const [kvHeads, headDim, heads] = [2, 8, 4];

export interface Caches {
  readonly g: { keys: Tensor; values: Tensor };
  readonly c: { keys: Tensor; values: Tensor };
  /** Texels the GPU wrote for each append of values. */
  readonly texelsPerAppend: number[];
}

/** A [1, kvHeads, cap, headDim] cache on each backend, `steps` positions appended one at a time (values = -keys). */
export function fillCaches(gpu: GpuBackend, cpu: Backend, cap: number, steps: number): Caches {
  const make = (b: Backend) => ({ keys: zeros([1, kvHeads, cap, headDim], 'float32', b), values: zeros([1, kvHeads, cap, headDim], 'float32', b) });
  const [g, c] = [make(gpu), make(cpu)];
  const texelsPerAppend: number[] = [];
  for (let step = 0; step < steps; step++) {
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
  return { g, c, texelsPerAppend };
}

/** The GPU's cost of one attention call. */
export interface AttentionCost {
  readonly launches: number;
  readonly texels: number;
}

/**
 * Attention of `seqQ` queries over the first `length` positions on both backends; throws naming the first
 * element past 2e-3 (abs + rel; NaN fails). Returns the GPU's launches and texels written for the call.
 */
export async function attendBoth(gpu: GpuBackend, cpu: Backend, { g, c }: Caches, length: number, seqQ: number, causal: boolean): Promise<AttentionCost> {
  const qHost = randomNormal([1, heads, seqQ, headDim], 0, 1, { seed: 999 + length }).dataSync();
  const options = { kvLength: length, causal, queryOffset: causal ? length - seqQ : 0 };
  // NOTE: q made on the device first (its upload is a launch too), so the counts below are attention's alone.
  const q = neg(tensor(qHost.map((x) => -x), [1, heads, seqQ, headDim], 'float32', gpu));
  const before = gpu.stats();
  const out = attend(q, g.keys, g.values, options);
  const after = gpu.stats();
  const actual = await out.data();
  const expected = await attend(tensor(qHost.slice(), [1, heads, seqQ, headDim], 'float32', cpu), c.keys, c.values, options).data();
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= 2e-3 + 2e-3 * Math.abs(expected[i]))) throw new Error(`attention over ${length} positions: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
  for (const t of [q, out]) t.dispose();
  return { launches: after.launches - before.launches, texels: after.texelsWritten - before.texelsWritten };
}

/**
 * What attention over `length` positions costs when a launch reads `perLaunch` blocks: one launch per group of
 * blocks, each but the last writing a partial of headDim + 2 floats per query row, the last the output. A
 * joined K/V copy would add 2 · length · kvHeads · headDim texels.
 */
export function chainedCost(length: number, perLaunch: number, seqQ: number): AttentionCost {
  const launches = Math.ceil(Math.ceil(length / BLOCK) / perLaunch);
  const rows = heads * seqQ;
  return { launches, texels: (launches - 1) * rows * (headDim + 2) + rows * headDim };
}
