import { formatShape } from '../shape';
import type { Tensor } from '../tensor';
import { causalMask } from './causal-mask';
import { where } from './where';
import { check } from './run-kernel';

/**
 * Keeps the upper triangle of the last two dimensions (elements with col - row ≥ k), zeroing the rest.
 * `triu(ones([n, n]), 1)` marks the future positions a causal mask hides.
 *
 * @example
 * ```ts
 * import { triu, ones } from '@transformer-kit/tensor';
 * triu(ones([3, 3]), 1); // [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
 * ```
 */
export function triu(x: Tensor, k = 0): Tensor {
  return triangle(x, k, true);
}

/**
 * Keeps the lower triangle of the last two dimensions (elements with col - row ≤ k), zeroing the rest.
 *
 * @example
 * ```ts
 * import { tril, ones } from '@transformer-kit/tensor';
 * tril(ones([3, 3])); // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 * ```
 */
export function tril(x: Tensor, k = 0): Tensor {
  return triangle(x, k, false);
}

function triangle(x: Tensor, k: number, upper: boolean): Tensor {
  const op = upper ? 'triu' : 'tril';
  check(x.rank >= 2, op, () => `needs rank ≥ 2, got ${formatShape(x.shape)}`);
  check(!Number.isNaN(k), op, () => 'k must be a number, got NaN');
  const rows = x.shape[x.rank - 2];
  const cols = x.shape[x.rank - 1];
  // The causal mask with offset o hides col − row > o: triu keeps col − row ≥ k (hides what the mask with
  // offset ⌈k⌉ − 1 keeps), tril keeps col − row ≤ k (what the mask with offset ⌊k⌋ keeps). Offsets past the
  // matrix are clamped to it (all hidden, or nothing).
  const offset = Math.max(-rows, Math.min(cols, upper ? Math.ceil(k) - 1 : Math.floor(k)));
  // NOTE: the mask is made on x's backend, not the active one: x may live on another backend.
  const hidden = causalMask(rows, cols, offset, { backend: x.backend }); // [rows, cols]
  const out = upper ? where(hidden, x, 0) : where(hidden, 0, x);
  hidden.dispose();
  return out;
}
