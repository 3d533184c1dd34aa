// One greedy step of a causal LM on the active backend, as the generation benches and the decode profile run it:
// ids in, the argmax of the last position's logits out, every tensor of the step freed.
import { argmax, tensor } from '@transformer-kit/tensor';

/** Feeds `ids` (one token, or a prompt) through `model` into `cache` and returns the greedy next id. */
export function greedyStep(model, cache, ids) {
  const input = tensor(ids, [1, ids.length], 'int32');
  const { logits } = model.forward(input, { cache, lastPositionOnly: true });
  const best = argmax(logits, -1);
  const next = best.dataSync()[0];
  for (const t of [input, logits, best]) t.dispose();
  return next;
}
