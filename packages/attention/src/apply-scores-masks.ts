import { add, causalMask, maskedFill, mul, tanh, type Tensor } from '@transformer-kit/tensor';
import { blockOf } from './resolve-attention';

/** What is added to or hidden from one block of scores. */
export interface ScoreAdjustments {
  readonly mask?: Tensor;
  readonly bias?: Tensor;
  readonly causal: boolean;
  readonly queryOffset: number;
  /** Soft-capping: scores become cap · tanh(scores / cap) before anything is added or hidden (Gemma 2). */
  readonly softCap?: number;
  /** Sliding window: query at position p sees keys p − window + 1 … p (and the causal rule hides the rest). */
  readonly window?: number;
}

/**
 * @internal Soft-caps the scores, adds the bias, then applies the mask, the causal rule and the sliding window
 * to scores [batch, heads, rows, cols], which cover queries row0.. and keys col0.. of the full problem.
 * NOTE: scores are already scaled, so -Infinity stays -Infinity; the bias comes first, as ALiBi is added before
 * the causal mask in the paper and in the fixtures. Soft-capping comes before everything, as in Gemma 2 and
 * llama.cpp (scale, then cap · tanh(s / cap), then the mask).
 */
export function applyScoreAdjustments(scores: Tensor, adj: ScoreAdjustments, row0: number, col0: number): Tensor {
  const rows = scores.shape[2];
  const cols = scores.shape[3];
  let s = scores;
  if (adj.softCap !== undefined) s = mul(tanh(mul(s, 1 / adj.softCap)), adj.softCap);
  if (adj.bias) s = add(s, blockOf(adj.bias, row0, rows, col0, cols));
  if (adj.mask) {
    const m = blockOf(adj.mask, row0, rows, col0, cols);
    s = m.dtype === 'bool' ? maskedFill(s, m, -Infinity) : add(s, m);
  }
  const offset = adj.queryOffset + row0 - col0; // query i sits at key coordinate offset + i of this block
  const future = adj.causal && cols - 1 > offset;
  const past = adj.window !== undefined && offset + rows - 1 - adj.window >= 0;
  // NOTE: a window needs causal attention (resolveAttention), so the keys to hide are the causal mask's, from this block's corner.
  if (future || past) s = maskedFill(s, causalMask(rows, cols, offset, { window: adj.window, backend: scores.backend }), -Infinity);
  return s;
}
