// The llama.cpp references of fixtures/llama-cpp (test models derived from ../shared, run by llama.cpp through
// node-llama-cpp: make-references.mjs) and the comparison the tests make with them.
import { readFileSync } from 'node:fs';
import { readGguf, softmax, tensor, tidy, writeGguf } from '@transformer-kit/tensor';
import type { CausalLM } from '../src/index';

/** What make-references.mjs wrote: prompt ids, prompt + greedy ids, next-token probabilities after each position. */
export interface LlamaCppRun {
  promptIds: number[];
  ids: number[];
  probabilities: number[][];
}

/** The GGUF reader and writer the variant builders take. */
export const ggufIo = { readGguf, writeGguf };

/** fixtures/llama-cpp/<name>.llama.cpp.json. */
export function llamaCppRun(name: string): LlamaCppRun {
  return JSON.parse(readFileSync(new URL(`./fixtures/llama-cpp/${name}.llama.cpp.json`, import.meta.url), 'utf8')) as LlamaCppRun;
}

/** The largest |ours − llama.cpp| over the next-token probabilities after each of the run's positions (one forward pass). */
export function maxProbabilityError(model: CausalLM, run: LlamaCppRun): number {
  const ids = run.ids.slice(0, run.probabilities.length);
  const p = tidy(() => softmax(model.forward(tensor(Int32Array.from(ids), [1, ids.length], 'int32')).logits).dataSync() as Float32Array);
  const vocab = p.length / ids.length;
  let worst = 0;
  run.probabilities.forEach((row, i) => {
    for (let j = 0; j < vocab; j++) worst = Math.max(worst, Math.abs(p[i * vocab + j] - row[j]));
  });
  return worst;
}
