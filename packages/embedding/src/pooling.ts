/**
 * Pooling: one vector per sequence from the hidden states [batch, seq, dim] — the mean over the real tokens
 * (sentence-transformers' default) or the first token's state (BERT's [CLS]).
 */
import { castTo, div, logicalNot, maximum, mul, slice, sum, tidy, type Tensor } from '@transformer-kit/tensor';

/** Which positions count in `meanPool` (give at most one). */
export interface MeanPoolOptions {
  /** Hugging Face's `attention_mask`, `[batch, seq]`: 1 = a real token, 0 = padding (int32, float32 or bool). */
  readonly attentionMask?: Tensor;
  /** The project's convention, `[batch, seq]` bool: true = padding, left out. */
  readonly paddingMask?: Tensor;
}

/**
 * The mean of the hidden states over the real tokens: [batch, seq, dim] → [batch, dim]. A sequence with no
 * real token gives a zero vector (the count is clamped, as sentence-transformers does).
 *
 * @example
 * ```ts
 * import { meanPool } from '@transformer-kit/embedding';
 * import { tensor } from '@transformer-kit/tensor';
 * const hidden = tensor([1, 1, 3, 3, 100, 100], [1, 3, 2]);                        // [batch, seq, dim]
 * meanPool(hidden, { attentionMask: tensor([1, 1, 0], [1, 3], 'int32') });         // [[2, 2]]: the padding is ignored
 * ```
 */
export function meanPool(hidden: Tensor, options: MeanPoolOptions = {}): Tensor {
  checkHidden('meanPool', hidden);
  const [batch, seq] = hidden.shape;
  if (options.attentionMask && options.paddingMask) throw new RangeError('meanPool: give attentionMask (1 = token) or paddingMask (true = padding), not both');
  const given = options.attentionMask ?? options.paddingMask;
  if (!given) return tidy(() => div(sum(hidden, 1), seq)); // [batch, dim]
  if (given.rank !== 2 || given.shape[0] !== batch || given.shape[1] !== seq) {
    throw new RangeError(`meanPool: the mask must be [batch ${batch}, seq ${seq}], got [${given.shape.join(', ')}]`);
  }
  return tidy(() => {
    const keepBool = options.paddingMask ? logicalNot(castTo(options.paddingMask, 'bool')) : castTo(given, 'bool');
    const weights = castTo(keepBool, 'float32').reshape([batch, seq, 1]); // [batch, seq, 1]
    const total = sum(mul(hidden, weights), 1); // [batch, dim]
    const count = maximum(sum(weights, 1), 1e-9); // [batch, 1]
    return div(total, count); // [batch, dim]
  });
}

/**
 * The hidden state of the first token ([CLS] in BERT): [batch, seq, dim] → [batch, dim].
 *
 * @example
 * ```ts
 * import { clsPool } from '@transformer-kit/embedding';
 * import { tensor } from '@transformer-kit/tensor';
 * clsPool(tensor([1, 2, 3, 4], [1, 2, 2])); // [[1, 2]]
 * ```
 */
export function clsPool(hidden: Tensor): Tensor {
  checkHidden('clsPool', hidden);
  const [batch, , dim] = hidden.shape;
  return tidy(() => slice(hidden, [0, 0, 0], [batch, 1, dim]).reshape([batch, dim])); // [batch, dim]
}

function checkHidden(op: string, hidden: Tensor): void {
  if (hidden.rank !== 3 || hidden.dtype !== 'float32') {
    throw new RangeError(`${op}: hidden states must be float32 [batch, seq, dim], got ${hidden.dtype} [${hidden.shape.join(', ')}]`);
  }
  if (hidden.shape[1] === 0) throw new RangeError(`${op}: the sequence is empty ([${hidden.shape.join(', ')}])`);
}
