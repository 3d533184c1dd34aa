/**
 * Greedy decoding's pick, computed where the logits are. Reading the whole row back and summing e^(x − max) over
 * it in JavaScript (one Math.exp per vocabulary entry) held a 15M-parameter model's `generate` at 0.79 of its bare
 * decode loop at a vocabulary of 32000 (`node bench/profile-decode.mjs 15M 10 1 generate`). On the backend it is
 * an argmax, a softmax and two reductions, and three numbers are read back instead of the row.
 */
import { argmax, castTo, concat, max, softmax, sum, tidy, type Tensor } from '@transformer-kit/tensor';
import type { SampledToken } from './sampler';

/**
 * The argmax of one position's logits and its softmax probability (in float32, as the backend's softmax computes
 * it, to its rounding; the sampler's row path sums in float64), or `null` when the row's sum is not finite: a NaN
 * or ±Infinity in the row, or a finite row whose sum passes float32's range. The caller then reads the row: the
 * sampler names what is wrong, or samples the finite row as usual. `null` too for a vocabulary past 2^24 (ids
 * come back as float32). Ties go to the lowest id, as in the sampler.
 *
 * @param logits one position's logits: [1, 1, vocab] as a model's `lastPositionOnly` forward gives them (any
 *   shape whose last axis holds all its values); a RangeError names any other shape
 * @example
 * ```ts
 * import { tensor } from '@transformer-kit/tensor';
 * import { greedyOnBackend } from '@transformer-kit/transformer';
 * const logits = tensor([1, 3, 2, 0.5], [1, 1, 4]); // [1, 1, vocab]
 * const pick = await greedyOnBackend(logits);
 * console.log(pick?.id, pick?.probability.toFixed(4)); // 1 0.6308
 * console.log(await greedyOnBackend(tensor([1, -Infinity], [1, 1, 2]))); // null: the row path says what is wrong
 * ```
 */
export async function greedyOnBackend(logits: Tensor): Promise<SampledToken | null> {
  const vocab = logits.shape[logits.shape.length - 1] ?? 0;
  if (logits.size !== vocab || vocab === 0) {
    throw new RangeError(`greedyOnBackend: expected one position's logits ([1, 1, vocab]), got shape [${logits.shape.join(', ')}]`);
  }
  if (vocab > 2 ** 24) return null;
  const picked = tidy(() => {
    const row = logits.reshape([vocab]); // [vocab]
    const best = castTo(argmax(row, -1, { keepDims: true }), 'float32'); // [1]; ids < 2^24 are exact in float32
    // softmax is largest where the logit is: its max is the argmax's probability, with no gather (which a GPU
    // backend checks by reading the index back)
    const probability = max(softmax(row), -1, { keepDims: true }); // [1]
    const total = sum(row, -1, { keepDims: true }); // [1]: finite only when every logit is
    return concat([total, probability, best]); // [3]
  });
  let total: number, probability: number, id: number;
  try {
    [total, probability, id] = await picked.data();
  } finally {
    picked.dispose();
  }
  return Number.isFinite(total) ? { id, probability } : null;
}
