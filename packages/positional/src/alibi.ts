/**
 * ALiBi (Press et al. 2022, "Train Short, Test Long"): no position embeddings at all; instead each head h adds
 * slope[h] · (j − i) to the score of query i for key j — a linear penalty on distance, steeper for some heads
 * than others. It goes into `scaledDotProductAttention`'s `bias`, before the causal mask.
 */
import { tensor, type Tensor } from '@transformer-kit/tensor';

function powerOfTwoSlopes(n: number): number[] {
  const start = Math.pow(2, -8 / n); // 2^(-2^-(log2(n) - 3))
  return Array.from({ length: n }, (_, i) => Math.pow(start, i + 1));
}

/**
 * The head slopes: for a power of two n, the geometric sequence 2^(-8/n), 2^(-16/n), …; otherwise, as in the
 * paper's code, the slopes of the closest smaller power of two followed by every other slope of the next one.
 *
 * @example
 * ```ts
 * import { alibiSlopes } from '@transformer-kit/positional';
 * alibiSlopes(8);  // [1/2, 1/4, ..., 1/256]
 * alibiSlopes(12); // [1/2 ... 1/256, 2^-0.5, 2^-1.5, 2^-2.5, 2^-3.5]
 * ```
 */
export function alibiSlopes(heads: number): number[] {
  if (!Number.isInteger(heads) || heads < 1) throw new RangeError(`alibiSlopes: heads must be an integer ≥ 1, got ${heads}`);
  const closest = Math.pow(2, Math.floor(Math.log2(heads)));
  if (closest === heads) return powerOfTwoSlopes(heads);
  const extra = powerOfTwoSlopes(2 * closest).filter((_, i) => i % 2 === 0).slice(0, heads - closest);
  return [...powerOfTwoSlopes(closest), ...extra];
}

/**
 * The bias [heads, seqQ, seqK]: bias[h, i, j] = slope[h] · (j − (queryOffset + i)), for queries at absolute
 * positions queryOffset … (default seqK − seqQ: the queries are the last positions, as in a cached decode step).
 * Pass it as `bias` to attention together with `causal: true`.
 *
 * @example
 * ```ts
 * import { alibiBias } from '@transformer-kit/positional';
 * const bias = alibiBias(8, 6);    // [8, 6, 6]
 * const step = alibiBias(8, 1, 10); // [8, 1, 10]: one new query at position 9
 * ```
 */
export function alibiBias(heads: number, seqQ: number, seqK = seqQ, queryOffset = seqK - seqQ): Tensor {
  for (const [name, v] of Object.entries({ seqQ, seqK, queryOffset })) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`alibiBias: ${name} must be an integer ≥ 0, got ${v}`);
  }
  const slopes = alibiSlopes(heads);
  const data = new Float32Array(heads * seqQ * seqK);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < seqQ; i++) {
      for (let j = 0; j < seqK; j++) data[(h * seqQ + i) * seqK + j] = slopes[h] * (j - (queryOffset + i));
    }
  }
  return tensor(data, [heads, seqQ, seqK]);
}
