import type { Backend } from '../backend';
import { allocate } from '../dtype';
import { formatShape } from '../shape';
import type { Tensor } from '../tensor';
import { tensor } from './creation';
import { where } from './where';
import { check } from './run-kernel';

/** A bool [rows, cols] matrix: true where col - row ≥ k (upper) or col - row ≤ k (lower). */
function triangleMask(rows: number, cols: number, k: number, upper: boolean, backend: Backend): Tensor {
  const data = allocate('bool', rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) data[i * cols + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
  }
  return tensor(data, [rows, cols], 'bool', backend);
}

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
  check(x.rank >= 2, upper ? 'triu' : 'tril', () => `needs rank ≥ 2, got ${formatShape(x.shape)}`);
  // NOTE: the mask is made on x's backend, not the active one: x may live on another backend.
  const mask = triangleMask(x.shape[x.rank - 2], x.shape[x.rank - 1], k, upper, x.backend);
  const out = where(mask, x, 0);
  mask.dispose();
  return out;
}
