/**
 * Making "words with similar meanings are close" checkable: the cosine of the angle between two vectors
 * (1 = same direction, 0 = unrelated, −1 = opposite), and L2 normalisation (unit vectors, so that a dot
 * product is a cosine).
 */
import { div, maximum, mul, sqrt, sum, tidy, type Tensor } from '@transformer-kit/tensor';

/**
 * x / max(‖x‖₂, eps) along the last axis (PyTorch's `F.normalize`): a zero vector stays zero.
 *
 * @example
 * ```ts
 * import { l2Normalize } from '@transformer-kit/embedding';
 * import { tensor } from '@transformer-kit/tensor';
 * l2Normalize(tensor([3, 4], [2])); // [0.6, 0.8]
 * ```
 */
export function l2Normalize(x: Tensor, eps = 1e-12): Tensor {
  if (x.dtype !== 'float32' || x.rank < 1) throw new RangeError(`l2Normalize: x must be a float32 tensor of rank ≥ 1, got ${x.dtype} [${x.shape.join(', ')}]`);
  return tidy(() => div(x, maximum(sqrt(sum(mul(x, x), -1, { keepDims: true })), eps)));
}

/**
 * Cosine similarity along the last axis, with broadcasting: a [..., dim] and b [..., dim] → [...].
 * A zero vector has similarity 0 with everything (PyTorch clamps the norms the same way).
 *
 * @example
 * ```ts
 * import { cosineSimilarity } from '@transformer-kit/embedding';
 * import { tensor } from '@transformer-kit/tensor';
 * cosineSimilarity(tensor([1, 0], [2]), tensor([1, 1], [2])); // ≈ 0.7071
 * cosineSimilarity(tensor([1, 0, 0, 1], [2, 2]), tensor([1, 0], [2])); // [1, 0]: each row against one vector
 * ```
 */
export function cosineSimilarity(a: Tensor, b: Tensor, eps = 1e-8): Tensor {
  const da = a.shape[a.rank - 1];
  const db = b.shape[b.rank - 1];
  if (a.rank < 1 || b.rank < 1 || da !== db) {
    throw new RangeError(`cosineSimilarity: last dimensions differ: [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  }
  return tidy(() => sum(mul(l2Normalize(a, eps), l2Normalize(b, eps)), -1));
}
