import { expect } from 'vitest';
import { tensor, tidy } from '@transformer-kit/tensor';
import type { CausalLM } from '../src/index';

/**
 * Logits of a prompt pass (every position), then of 8 greedy decode steps through the KV cache: all of them, as
 * bits, for runs that must agree exactly (thread counts, places in the heap).
 */
export function logitsBits(model: CausalLM, prompt: number[]): Uint32Array[] {
  const cache = model.createCache(64);
  const out: Uint32Array[] = [];
  let ids = prompt;
  for (let step = 0; step < 9; step++) {
    const logits = tidy(() => model.forward(tensor(ids, [1, ids.length], 'int32'), { cache }).logits.dataSync() as Float32Array);
    out.push(new Uint32Array(Float32Array.from(logits).buffer));
    // the next id: argmax of the last position (deterministic, and the same in both runs if the logits are)
    const last = logits.subarray(logits.length - model.vocabSize);
    ids = [last.indexOf(Math.max(...last))];
  }
  cache.dispose();
  return out;
}

/** `b` has the same steps as `a`, bit for bit; a failure names the step and the first differing logit. */
export function expectSameBits(a: Uint32Array[], b: Uint32Array[], what = ''): void {
  expect(b.length).toBe(a.length);
  for (let i = 0; i < a.length; i++) {
    const first = a[i].findIndex((v, j) => v !== b[i][j]);
    expect(first, `${what}step ${i}: the first differing logit`).toBe(-1);
  }
}
