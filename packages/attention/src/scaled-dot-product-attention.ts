/**
 * Scaled dot-product attention — step 4 of the transformer, and the only layer that mixes information across
 * positions: each query takes a weighted average of the values, weighted by softmax(q·kᵀ · scale + bias + mask)
 * (optionally soft-capped, cap · tanh(q·kᵀ · scale / cap), and limited to a sliding window of keys).
 *
 * Three ways to compute it, one answer:
 * - `fused`: tensor's `attend` (a fused kernel on backends that have one); causal masking only, no weights.
 * - `composed`: tensor ops that materialise the [seqQ, seqK] scores per head; the only path that can return them.
 * - `memory-efficient`: key blocks with an online softmax (`memoryEfficientAttention`); never builds [seqQ, seqK].
 * `auto` (the default) picks the first that fits: weights requested → composed; no mask and no bias → fused;
 * otherwise composed, or memory-efficient once seqQ·seqK reaches `MEMORY_EFFICIENT_THRESHOLD`.
 */
import { attend, matmul, mul, slice, softmax, tidy, type Tensor } from '@transformer-kit/tensor';
import { applyScoreAdjustments } from './apply-scores-masks';
import { blockwiseAttention } from './memory-efficient-attention';
import { resolveAttention, type ResolvedAttention } from './resolve-attention';

/** Which algorithm `scaledDotProductAttention` runs. */
export type AttentionImplementation = 'auto' | 'fused' | 'composed' | 'memory-efficient';

/**
 * Score matrices at least this large (seqQ · seqK elements per head) go to the memory-efficient path under
 * `implementation: 'auto'` when they cannot go to the fused kernel (a mask or bias is given, or the backend has none).
 *
 * @example
 * ```ts
 * import { MEMORY_EFFICIENT_THRESHOLD } from '@transformer-kit/attention';
 * const seq = 1024;
 * console.log(seq * seq >= MEMORY_EFFICIENT_THRESHOLD); // true: a masked 1024-token pass runs block by block
 * ```
 */
export const MEMORY_EFFICIENT_THRESHOLD = 512 * 512;

/** Options of `scaledDotProductAttention`. */
export interface ScaledDotProductAttentionOptions {
  /** bool (true = NOT allowed to attend) or float (added to the scores); broadcastable to [batch, heads, seqQ, seqK]. */
  readonly mask?: Tensor;
  /** Hide future keys: query i (at absolute position queryOffset + i) sees keys 0..queryOffset + i. */
  readonly causal?: boolean;
  /** Absolute position of the first query. Default seqK − seqQ when causal (the queries are the last positions). */
  readonly queryOffset?: number;
  /** Multiplier of q·kᵀ. Default 1/√headDim. */
  readonly scale?: number;
  /** Additive bias broadcastable to [batch, heads, seqQ, seqK] (ALiBi), added before the mask. */
  readonly bias?: Tensor;
  /** Also return the attention weights [batch, heads, seqQ, seqK] (forces the composed path). */
  readonly returnWeights?: boolean;
  /** Read only the first kvLength positions of k/v (a preallocated cache). Default: all. */
  readonly kvLength?: number;
  /** Soft-capping of the scaled scores, cap · tanh(s / cap), before bias and mask (Gemma 2). */
  readonly softCap?: number;
  /** Sliding window (needs causal): query at position p attends only keys p − window + 1 … p. */
  readonly window?: number;
  /** Force an algorithm (benchmarks, tests). Default 'auto'. */
  readonly implementation?: AttentionImplementation;
  /** Block size (positions) of the memory-efficient path, for queries and keys. Default 256. */
  readonly blockSize?: number;
}

/** What attention returns. */
export interface AttentionOutput {
  /** [batch, heads, seqQ, headDim] (MultiHeadAttention: [batch, seqQ, dim]). */
  output: Tensor;
  /** [batch, heads, seqQ, seqK], per head, when requested. */
  weights?: Tensor;
}

/**
 * softmax(q·kᵀ·scale + bias + mask)·v per head. q [batch, heads, seqQ, headDim]; k, v [batch, kvHeads, seqK, headDim]
 * with heads a multiple of kvHeads: query head h reads key/value head ⌊h / (heads / kvHeads)⌋ (grouped-query and
 * multi-query attention), without copying k/v per query head.
 *
 * A fully masked query row (every key hidden) is defined: its weights are all zero and its output is a zero
 * vector, not NaN as in PyTorch. This only holds for masks that hide with `true` (bool) or `-Infinity` (float):
 * a finite "large negative" additive mask gives a uniform average instead, as it does everywhere.
 *
 * @example
 * ```ts
 * import { scaledDotProductAttention } from '@transformer-kit/attention';
 * import { randomNormal } from '@transformer-kit/tensor';
 * const q = randomNormal([1, 4, 6, 8], 0, 1, { seed: 1 }); // [batch, heads, seq, headDim]
 * const k = randomNormal([1, 2, 6, 8], 0, 1, { seed: 2 }); // [batch, kvHeads, seq, headDim]
 * const v = randomNormal([1, 2, 6, 8], 0, 1, { seed: 3 });
 * const { output, weights } = scaledDotProductAttention(q, k, v, { causal: true, returnWeights: true });
 * // output [1, 4, 6, 8]; weights [1, 4, 6, 6], each row sums to 1 and is 0 above the diagonal
 * ```
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: ScaledDotProductAttentionOptions = {}): AttentionOutput {
  const r = resolveAttention('scaledDotProductAttention', q, k, v, options);
  const implementation = chooseImplementation(q, r, options);
  if (implementation === 'fused') {
    return { output: attend(q, k, v, { scale: r.scale, causal: r.causal, queryOffset: r.queryOffset, kvLength: r.kvLength }) };
  }
  if (implementation === 'memory-efficient') {
    return { output: blockwiseAttention(q, k, v, r, options) };
  }
  return composedAttention(q, k, v, r, options);
}

function chooseImplementation(q: Tensor, r: ResolvedAttention, options: ScaledDotProductAttentionOptions): Exclude<AttentionImplementation, 'auto'> {
  const wanted = options.implementation ?? 'auto';
  // NOTE: a window that hides nothing yet (every query within `window` of key 0: Phi-3's 2047 on a short prompt) keeps the fused path.
  const windowHides = r.window !== undefined && r.queryOffset + r.seqQ - 1 >= r.window;
  const plain = !options.mask && !options.bias && r.softCap === undefined && !windowHides && r.valueDim === r.headDim;
  if (wanted === 'fused' && !plain) {
    throw new RangeError("scaledDotProductAttention: implementation 'fused' takes no mask, bias, softCap or window that hides keys, and needs v's headDim equal to q's; use 'composed' or 'memory-efficient'");
  }
  if (wanted === 'memory-efficient' && options.returnWeights) {
    throw new RangeError("scaledDotProductAttention: the memory-efficient path never builds the weights; returnWeights needs implementation 'composed' or 'auto'");
  }
  if (wanted === 'fused' && options.returnWeights) {
    throw new RangeError("scaledDotProductAttention: the fused kernel does not return weights; returnWeights needs implementation 'composed' or 'auto'");
  }
  if (wanted !== 'auto') return wanted;
  if (options.returnWeights) return 'composed';
  const large = r.seqQ * r.kvLength >= MEMORY_EFFICIENT_THRESHOLD;
  // NOTE: a backend's fused kernel (the CPU one included) never materialises the scores either, so it wins when it applies.
  if (plain && (q.backend.attention || !large)) return 'fused';
  return large ? 'memory-efficient' : 'composed';
}

/** The textbook path: the whole [seqQ, kvLength] score matrix per head, so the weights can be returned. */
function composedAttention(q: Tensor, k: Tensor, v: Tensor, r: ResolvedAttention, options: ScaledDotProductAttentionOptions): AttentionOutput {
  const { batch, heads, kvHeads, group, seqQ, kvLength, valueDim } = r;
  return tidy(() => {
    const keys = firstPositions(k, kvLength); // [batch, kvHeads, kvLength, headDim]
    const values = firstPositions(v, kvLength); // [batch, kvHeads, kvLength, valueDim]
    // NOTE: the query heads sharing a kv head are contiguous, so folding them into the rows reads each k/v head once.
    const grouped = q.reshape([batch, kvHeads, group * seqQ, r.headDim]); // [batch, kvHeads, group·seqQ, headDim]
    const raw = mul(matmul(grouped, keys, { transposeB: true }), r.scale); // [batch, kvHeads, group·seqQ, kvLength]
    const scores = applyScoreAdjustments(raw.reshape([batch, heads, seqQ, kvLength]), { ...options, causal: r.causal, queryOffset: r.queryOffset, softCap: r.softCap, window: r.window }, 0, 0);
    const weights = softmax(scores, -1); // [batch, heads, seqQ, kvLength]; a fully masked row is zeros
    const mixed = matmul(weights.reshape([batch, kvHeads, group * seqQ, kvLength]), values); // [batch, kvHeads, group·seqQ, valueDim]
    const output = mixed.reshape([batch, heads, seqQ, valueDim]); // [batch, heads, seqQ, valueDim]
    return options.returnWeights ? { output, weights } : { output };
  });
}

/** The first `length` positions of a [batch, kvHeads, seq, dim] tensor (the valid part of a preallocated cache). */
function firstPositions(t: Tensor, length: number): Tensor {
  return t.shape[2] === length ? t : slice(t, [0, 0, 0, 0], [t.shape[0], t.shape[1], length, t.shape[3]]);
}
