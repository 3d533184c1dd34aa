/**
 * Memory-efficient attention (the algorithm of FlashAttention, Dao et al. 2022, written over tensor ops):
 * the same softmax(q·kᵀ·scale + bias + mask)·v as `scaledDotProductAttention`, computed one block of queries
 * against one block of keys at a time with an online softmax. The largest intermediate is a
 * [batch, heads, blockSize, blockSize] score block; the [seqQ, seqK] score matrix is never created, so memory grows
 * linearly with the sequence instead of quadratically.
 *
 * Online softmax, per query row: keep the running max m, the running denominator l and the running weighted
 * sum acc. For a new block of scores s: m' = max(m, max s); l' = l·e^(m−m') + Σ e^(s−m'); acc' = acc·e^(m−m') +
 * e^(s−m')·v. At the end, output = acc / l.
 */
import { add, div, equal, exp, full, matmul, max, maximum, mul, slice, sub, sum, tidy, where, writeSlice, zeros, type Tensor } from '@transformer-kit/tensor';
import { applyScoreAdjustments } from './apply-scores-masks';
import { resolveAttention, type AttentionShapeOptions, type ResolvedAttention } from './resolve-attention';

/** Options of `memoryEfficientAttention`: those of `scaledDotProductAttention` minus the weights. */
export interface MemoryEfficientAttentionOptions extends AttentionShapeOptions {
  /** Queries and keys per block. Default 256. */
  readonly blockSize?: number;
}

/**
 * The default block size: big enough that per-op overhead is small, small enough that a score block is ~2 MB at 8 heads.
 *
 * @example
 * ```ts
 * import { DEFAULT_BLOCK_SIZE } from '@transformer-kit/attention';
 * console.log(DEFAULT_BLOCK_SIZE); // 256
 * ```
 */
export const DEFAULT_BLOCK_SIZE = 256;

/**
 * Attention without the [seqQ, seqK] score matrix: q [batch, heads, seqQ, headDim], k/v [batch, kvHeads, seqK, headDim]
 * → [batch, heads, seqQ, headDim], equal to `scaledDotProductAttention`'s composed path (to float32 rounding) with
 * the same masks, bias, causal rule, GQA sharing and `kvLength`. Under causal masking, key blocks entirely in
 * a query block's future are skipped. A fully masked query row gives a zero vector.
 *
 * @example
 * ```ts
 * import { memoryEfficientAttention } from '@transformer-kit/attention';
 * import { randomNormal } from '@transformer-kit/tensor';
 * const q = randomNormal([1, 8, 2048, 64], 0, 1, { seed: 1 }); // [batch, heads, seq, headDim]
 * const k = randomNormal([1, 8, 2048, 64], 0, 1, { seed: 2 });
 * const v = randomNormal([1, 8, 2048, 64], 0, 1, { seed: 3 });
 * const out = memoryEfficientAttention(q, k, v, { causal: true, blockSize: 128 }); // [1, 8, 2048, 64]
 * ```
 */
export function memoryEfficientAttention(q: Tensor, k: Tensor, v: Tensor, options: MemoryEfficientAttentionOptions = {}): Tensor {
  return blockwiseAttention(q, k, v, resolveAttention('memoryEfficientAttention', q, k, v, options), options);
}

/**
 * @internal The block loop over a call `resolveAttention` has already checked (`scaledDotProductAttention`
 * resolves once and comes here).
 */
export function blockwiseAttention(q: Tensor, k: Tensor, v: Tensor, r: ResolvedAttention, options: MemoryEfficientAttentionOptions): Tensor {
  const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`memoryEfficientAttention: blockSize must be an integer ≥ 1, got ${blockSize}`);
  const { batch, heads, kvHeads, group, seqQ, kvLength, headDim, valueDim } = r;
  const adjustments = { mask: options.mask, bias: options.bias, causal: r.causal, queryOffset: r.queryOffset, softCap: r.softCap, window: r.window };
  const out = zeros([batch, heads, seqQ, valueDim], 'float32', q.backend); // [batch, heads, seqQ, valueDim]
  for (let q0 = 0; q0 < seqQ; q0 += blockSize) {
    const rows = Math.min(blockSize, seqQ - q0);
    // Keys past the last query's own position are in every row's future: skip those blocks.
    const keyEnd = r.causal ? Math.min(kvLength, r.queryOffset + q0 + rows) : kvLength;
    const block = tidy(() => {
      // NOTE: the query heads sharing a kv head are contiguous, so they fold into the rows: [batch, kvHeads, group·rows, headDim].
      const qBlock = slice(q, [0, 0, q0, 0], [batch, heads, rows, headDim]).reshape([batch, kvHeads, group * rows, headDim]);
      let m = full([batch, kvHeads, group * rows, 1], -Infinity, 'float32', q.backend); // running max
      let l = zeros([batch, kvHeads, group * rows, 1], 'float32', q.backend); // running denominator
      let acc = zeros([batch, kvHeads, group * rows, valueDim], 'float32', q.backend); // running Σ p·v
      for (let k0 = 0; k0 < keyEnd; k0 += blockSize) {
        const cols = Math.min(blockSize, keyEnd - k0);
        const next = tidy(() => {
          const kBlock = slice(k, [0, 0, k0, 0], [batch, kvHeads, cols, headDim]); // [batch, kvHeads, cols, headDim]
          const vBlock = slice(v, [0, 0, k0, 0], [batch, kvHeads, cols, valueDim]); // [batch, kvHeads, cols, valueDim]
          const raw = mul(matmul(qBlock, kBlock, { transposeB: true }), r.scale); // [batch, kvHeads, group·rows, cols]
          const scores = applyScoreAdjustments(raw.reshape([batch, heads, rows, cols]), adjustments, q0, k0)
            .reshape([batch, kvHeads, group * rows, cols]);
          const mNew = maximum(m, max(scores, -1, { keepDims: true })); // [batch, kvHeads, group·rows, 1]
          // NOTE: a row with no visible key so far has m' = -Infinity; shift by 0 there so exp gives 0, not NaN.
          const shift = where(equal(mNew, -Infinity), 0, mNew);
          const p = exp(sub(scores, shift)); // [batch, kvHeads, group·rows, cols]
          const correction = exp(sub(m, shift)); // rescales what was accumulated under the old max
          const lNew = add(mul(l, correction), sum(p, -1, { keepDims: true }));
          const accNew = add(mul(acc, correction), matmul(p, vBlock)); // [batch, kvHeads, group·rows, valueDim]
          return [mNew, lNew, accNew];
        });
        m.dispose();
        l.dispose();
        acc.dispose();
        [m, l, acc] = next;
      }
      // NOTE: l = 0 only for a fully masked row: its output is defined as zeros.
      const result = where(equal(l, 0), 0, div(acc, l)); // [batch, kvHeads, group·rows, valueDim]
      return result.reshape([batch, heads, rows, valueDim]); // [batch, heads, rows, valueDim]
    });
    writeSlice(out, block, [0, 0, q0, 0]);
    block.dispose();
  }
  return out;
}
