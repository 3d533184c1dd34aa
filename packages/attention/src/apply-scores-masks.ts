import { add, allocate, maskedFill, tensor, type Backend, type Tensor } from '@transformer-kit/tensor';
import { blockOf } from './resolve-attention';

/** What is added to or hidden from one block of scores. */
export interface ScoreAdjustments {
  readonly mask?: Tensor;
  readonly bias?: Tensor;
  readonly causal: boolean;
  readonly queryOffset: number;
}

/**
 * @internal Adds the bias, then applies the mask and the causal rule to scores [batch, heads, rows, cols],
 * which cover queries row0.. and keys col0.. of the full problem.
 * NOTE: scores are already scaled, so -Infinity stays -Infinity; the bias comes first, as ALiBi is added before
 * the causal mask in the paper and in the fixtures.
 */
export function applyScoreAdjustments(scores: Tensor, adj: ScoreAdjustments, row0: number, col0: number): Tensor {
  const rows = scores.shape[2];
  const cols = scores.shape[3];
  let s = scores;
  if (adj.bias) s = add(s, blockOf(adj.bias, row0, rows, col0, cols));
  if (adj.mask) {
    const m = blockOf(adj.mask, row0, rows, col0, cols);
    s = m.dtype === 'bool' ? maskedFill(s, m, -Infinity) : add(s, m);
  }
  if (adj.causal && col0 + cols - 1 > adj.queryOffset + row0) {
    s = maskedFill(s, futureMask(rows, cols, adj.queryOffset + row0 - col0, scores.backend), -Infinity);
  }
  return s;
}

/** bool [rows, cols], true where key j lies after query i, with query i at key coordinate `offset + i` (offset may be negative). */
function futureMask(rows: number, cols: number, offset: number, backend: Backend): Tensor {
  const data = allocate('bool', rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = Math.max(0, offset + i + 1); j < cols; j++) data[i * cols + j] = 1;
  }
  return tensor(data, [rows, cols], 'bool', backend);
}
