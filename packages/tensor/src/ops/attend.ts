import { formatShape } from '../shape';
import type { Tensor } from '../tensor';
import { mul } from './arithmetic';
import { causalMask } from './causal-mask';
import { slice } from './layout';
import { matmul } from './matmul';
import { backendOf3, check, requireFloat, wrap } from './run-kernel';
import { tidy } from './scope';
import { softmax } from './softmax';
import { maskedFill } from './where';

/** Options of `attend`. */
export interface AttendOptions {
  /** Multiplier of q·kᵀ; default 1/√headDim. */
  readonly scale?: number;
  /** Hide keys after each query's own position. Default false. */
  readonly causal?: boolean;
  /** Absolute position of the first query (queries after cached positions). Default kvLength − seqQ when causal, else 0. */
  readonly queryOffset?: number;
  /** Use only the first kvLength key/value positions (a preallocated cache). Default: all. */
  readonly kvLength?: number;
}

/**
 * The attention primitive: softmax(q·kᵀ·scale [+ causal mask])·v, per head, with grouped-query sharing.
 * q [batch, heads, seqQ, headDim]; k, v [batch, kvHeads, seqK, headDim] with heads a multiple of kvHeads:
 * query head h reads key/value head ⌊h / (heads / kvHeads)⌋. Fused where the backend has a kernel; the
 * composite below never copies k/v per query head. Richer masks (padding, ALiBi) live in
 * `@transformer-kit/attention`'s `scaledDotProductAttention`, which calls this when it can.
 *
 * @example
 * ```ts
 * import { attend, randomNormal } from '@transformer-kit/tensor';
 * const q = randomNormal([1, 8, 5, 16], 0, 1, { seed: 1 }); // [batch, heads, seq, headDim]
 * const k = randomNormal([1, 2, 5, 16], 0, 1, { seed: 2 }); // [batch, kvHeads, seq, headDim]
 * const v = randomNormal([1, 2, 5, 16], 0, 1, { seed: 3 });
 * const out = attend(q, k, v, { causal: true });             // [1, 8, 5, 16]
 * ```
 */
export function attend(q: Tensor, k: Tensor, v: Tensor, options: AttendOptions = {}): Tensor {
  for (const t of [q, k, v]) requireFloat('attend', t);
  check(q.rank === 4 && k.rank === 4 && v.rank === 4, 'attend', () => `q, k, v must be [batch, heads, seq, headDim]; got ${formatShape(q.shape)}, ${formatShape(k.shape)}, ${formatShape(v.shape)}`);
  const [batch, heads, seqQ, headDim] = q.shape;
  const [kb, kvHeads, seqK, kd] = k.shape;
  check(kb === batch && kd === headDim && v.shape[0] === batch && v.shape[1] === kvHeads && v.shape[2] === seqK && v.shape[3] === headDim, 'attend', () =>
    `k ${formatShape(k.shape)} and v ${formatShape(v.shape)} do not fit q ${formatShape(q.shape)}`);
  check(kvHeads > 0 && heads % kvHeads === 0, 'attend', () => `${heads} query heads cannot share ${kvHeads} key/value heads`);
  const kvLength = options.kvLength ?? seqK;
  check(kvLength >= 0 && kvLength <= seqK, 'attend', () => `kvLength ${kvLength} exceeds the ${seqK} cached positions`);
  const causal = options.causal ?? false;
  const queryOffset = options.queryOffset ?? (causal ? kvLength - seqQ : 0);
  check(!causal || queryOffset >= 0, 'attend', () => `causal attention of ${seqQ} queries over ${kvLength} keys needs queryOffset ≥ 0`);
  const scale = options.scale ?? 1 / Math.sqrt(headDim);
  const backend = backendOf3('attend', q, k, v);
  const outShape = [batch, heads, seqQ, headDim];
  if (backend.attention) {
    return wrap(backend, backend.attention(q, k, v, { scale, causal, queryOffset, kvLength }), outShape, 'float32');
  }
  return tidy(() => {
    const group = heads / kvHeads;
    const keys = kvLength === seqK ? k : slice(k, [0, 0, 0, 0], [batch, kvHeads, kvLength, headDim]);
    const values = kvLength === seqK ? v : slice(v, [0, 0, 0, 0], [batch, kvHeads, kvLength, headDim]);
    // NOTE: the query heads that share a kv head are contiguous, so fold them into the rows: no k/v copies.
    const grouped = q.reshape([batch, kvHeads, group * seqQ, headDim]);
    let scores = mul(matmul(grouped, keys, { transposeB: true }), scale); // [batch, kvHeads, group·seqQ, kvLength]
    if (causal) {
      // NOTE: scores are scaled before the mask, so -Infinity stays -Infinity.
      scores = maskedFill(scores.reshape([batch, heads, seqQ, kvLength]), causalMask(seqQ, kvLength, queryOffset, { backend }), -Infinity);
      scores = scores.reshape([batch, kvHeads, group * seqQ, kvLength]);
    }
    return matmul(softmax(scores), values).reshape(outShape); // [batch, heads, seqQ, headDim]
  });
}
