// Test-only: greedy decoding with a model's KV cache, written out plainly (no sampler, no tokenizer) so the
// GPU tests in Node (apps/cli/test/gpu-models.test.ts) and in Chromium (apps/demo/test/browser/
// fixture-models-entry.ts, bundled by esbuild) share one copy. Browser-safe: no Node imports. Never published.
import { tensor, type Backend } from '@transformer-kit/tensor';
import type { CausalLM } from '@transformer-kit/transformer';

/** The index of the largest value (the first one on ties). */
function argmaxOf(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/**
 * Greedy decoding with the model's KV cache: the prompt, then one token per step, until `total` ids (prompt
 * included). `afterStep` (optional) runs after each forward pass with the number of positions now cached.
 */
export async function greedyDecode(model: CausalLM, prompt: number[], total: number, backend: Backend, afterStep?: (cached: number) => void): Promise<number[]> {
  const cache = model.createCache();
  const out = prompt.slice();
  let input = prompt;
  while (out.length < total) {
    const { logits } = model.forward(tensor(Int32Array.from(input), [1, input.length], 'int32', backend), { cache, lastPositionOnly: true });
    const next = argmaxOf(await logits.data());
    logits.dispose();
    out.push(next);
    afterStep?.(out.length - 1);
    input = [next];
  }
  cache.dispose();
  return out;
}
