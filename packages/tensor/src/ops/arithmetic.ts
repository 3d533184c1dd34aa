import type { Tensor } from '../tensor';
import { binaryOp, type Operand } from './elementwise';

/**
 * a + b with broadcasting.
 *
 * @example
 * ```ts
 * import { add, tensor } from '@transformer-kit/tensor';
 * const y = add(tensor([1, 2, 3, 4], [2, 2]), tensor([10, 20], [2])); // [[11, 22], [13, 24]]
 * ```
 */
export function add(a: Operand, b: Operand): Tensor {
  return binaryOp('add', a, b);
}

/**
 * a - b with broadcasting.
 *
 * @example
 * ```ts
 * import { sub, tensor } from '@transformer-kit/tensor';
 * const y = sub(tensor([3, 4], [2]), 1); // [2, 3]
 * ```
 */
export function sub(a: Operand, b: Operand): Tensor {
  return binaryOp('sub', a, b);
}

/**
 * a · b elementwise with broadcasting.
 *
 * @example
 * ```ts
 * import { mul, tensor } from '@transformer-kit/tensor';
 * const y = mul(tensor([1, 2], [2]), 0.5); // [0.5, 1]
 * ```
 */
export function mul(a: Operand, b: Operand): Tensor {
  return binaryOp('mul', a, b);
}

/**
 * a / b elementwise with broadcasting (always float32).
 *
 * @example
 * ```ts
 * import { div, tensor } from '@transformer-kit/tensor';
 * const y = div(tensor([1, 2], [2]), 4); // [0.25, 0.5]
 * ```
 */
export function div(a: Operand, b: Operand): Tensor {
  return binaryOp('div', a, b);
}

/**
 * a ** b elementwise with broadcasting.
 *
 * @example
 * ```ts
 * import { pow, tensor } from '@transformer-kit/tensor';
 * const y = pow(tensor([2, 3], [2]), 2); // [4, 9]
 * ```
 */
export function pow(a: Operand, b: Operand): Tensor {
  return binaryOp('pow', a, b);
}

/**
 * The larger of a and b elementwise (NaN propagates).
 *
 * @example
 * ```ts
 * import { maximum, tensor } from '@transformer-kit/tensor';
 * const y = maximum(tensor([-1, 2], [2]), 0); // [0, 2]
 * ```
 */
export function maximum(a: Operand, b: Operand): Tensor {
  return binaryOp('maximum', a, b);
}

/**
 * The smaller of a and b elementwise (NaN propagates).
 *
 * @example
 * ```ts
 * import { minimum, tensor } from '@transformer-kit/tensor';
 * const y = minimum(tensor([-1, 2], [2]), 0); // [-1, 0]
 * ```
 */
export function minimum(a: Operand, b: Operand): Tensor {
  return binaryOp('minimum', a, b);
}
