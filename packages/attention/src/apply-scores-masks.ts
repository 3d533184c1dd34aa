import { add, allocate, maskedFill, mul, tanh, tensor, type Backend, type Tensor } from '@transformer-kit/tensor';
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
  if (future || past) s = maskedFill(s, hiddenKeys(rows, cols, offset, adj.causal, adj.window, scores.backend), -Infinity);
  return s;
}

/**
 * bool [rows, cols], true where key j is hidden from query i (at key coordinate `offset + i`, offset may be
 * negative): after it when causal, or `window` or more positions before it.
 */
function hiddenKeys(rows: number, cols: number, offset: number, causal: boolean, window: number | undefined, backend: Backend): Tensor {
  const data = allocate('bool', rows * cols);
  for (let i = 0; i < rows; i++) {
    const p = offset + i;
    for (let j = 0; j < cols; j++) data[i * cols + j] = (causal && j > p) || (window !== undefined && j <= p - window) ? 1 : 0;
  }
  return tensor(data, [rows, cols], 'bool', backend);
}
