import { afterEach, describe, expect, it } from 'vitest';
import { CpuBackend, getBackend, memory, setBackend } from '@transformer-kit/tensor';
import { generate, loadLlama2c, type CausalLM } from '../src/index';
// the benches' fixed-seed random Llama (browser-safe, no dependencies)
// @ts-expect-error: a plain .mjs module without types
import { randomLlama2cBin } from '../../../bench/random-llama2c.mjs';
import { expectSameBits, logitsBits } from './logits-bits';
import { haveShared, readShared } from './shared-data';

const BIN = 'models/stories260K/stories260K.bin';
const TOK = 'models/stories260K/tok512.bin';
const available = haveShared(BIN, TOK);

const original = getBackend();
afterEach(() => {
  setBackend(original);
});

/** Runs `fn` on a fresh CPU backend with `threads` threads; returns its result and the backend's figures. */
function onThreads<T>(threads: number, fn: () => T): { result: T; stats: ReturnType<CpuBackend['engineStats']> } {
  const cpu = new CpuBackend({ threads });
  setBackend(cpu);
  try {
    const result = fn();
    return { result, stats: cpu.engineStats() };
  } finally {
    cpu.destroy();
  }
}

describe('deterministic across thread counts', () => {
  it.runIf(available)('stories260K: the same logits bit for bit with 1, 2 and 3 threads', () => {
    const bin = readShared(BIN);
    const runs = [1, 2, 3].map((threads) =>
      onThreads(threads, () => {
        const { model } = loadLlama2c(bin);
        const bits = logitsBits(model as CausalLM, [1, 403, 407, 261, 378]);
        model.dispose();
        return bits;
      }),
    );
    expectSameBits(runs[0].result, runs[1].result);
    expectSameBits(runs[0].result, runs[2].result);
  });

  it('a random Llama big enough to split (dim 512, hidden 1376): the same logits bit for bit with 1, 2 and 3 threads, and the kernels really split', () => {
    const { bytes } = randomLlama2cBin({ dim: 512, hidden: 1376, layers: 2, heads: 8, kvHeads: 4, vocab: 2048, seqLen: 64 }, 7);
    const runs = [1, 2, 3].map((threads) =>
      onThreads(threads, () => {
        const { model } = loadLlama2c(bytes);
        const bits = logitsBits(model as CausalLM, [1, 5, 900, 33, 1500, 7, 8, 2000]);
        model.dispose();
        return bits;
      }),
    );
    expect(runs[0].stats.parallelRuns).toBe(0);
    expect(runs[1].stats.threads).toBe(2);
    expect(runs[1].stats.parallelRuns).toBeGreaterThan(0);
    expect(runs[2].stats.parallelRuns).toBeGreaterThan(0);
    expectSameBits(runs[0].result, runs[1].result);
    expectSameBits(runs[0].result, runs[2].result);
  });
});

describe.runIf(available)('the heap over a long generation', () => {
  it('stories260K: 300 decode steps after a 20-step warm-up neither grow the heap nor leave tensors behind', async () => {
    const cpu = new CpuBackend();
    setBackend(cpu);
    const { model, tokenizer } = loadLlama2c(readShared(BIN), readShared(TOK));
    let n = 0;
    let warm: ReturnType<CpuBackend['engineStats']> | null = null;
    let end: ReturnType<CpuBackend['engineStats']> | null = null;
    let grows = 0;
    const live = [0, 0];
    for await (const _ of generate(model as CausalLM, tokenizer, '', { maxTokens: 320, temperature: 0 })) {
      n++;
      if (n === 20) {
        warm = cpu.engineStats();
        grows = cpu.heapStats().grows;
        live[0] = memory().numDataIds;
      }
      if (n === 320) {
        end = cpu.engineStats(); // at the same point of a step as the warm-up figures
        live[1] = memory().numDataIds;
      }
    }
    expect(n).toBe(320);
    expect(end!.heapBytes).toBe(warm!.heapBytes);
    expect(cpu.heapStats().grows).toBe(grows);
    // the same tensors alive (the KV cache may have been re-allocated larger in between: bytes in use may differ)
    expect(live[1]).toBe(live[0]);
    expect(cpu.heapStats().reused).toBeGreaterThan(300 * 50); // every step's outputs are reused blocks
    model.dispose();
    cpu.destroy();
  });
});
