import { argmax, tensor } from '@transformer-kit/tensor';
import type { CausalLM } from '../src/index';

/** `steps` greedy ids after `prompt`, one token at a time through the KV cache (the decode path). */
export function greedyIds(model: CausalLM, prompt: readonly number[], steps: number): number[] {
  const cache = model.createCache();
  const ids: number[] = [];
  let input = [...prompt];
  for (let i = 0; i < steps; i++) {
    const { logits } = model.forward(tensor(Int32Array.from(input), [1, input.length], 'int32'), { cache, lastPositionOnly: true });
    input = [argmax(logits, -1).dataSync()[0]];
    logits.dispose();
    ids.push(input[0]);
  }
  cache.dispose();
  return ids;
}
