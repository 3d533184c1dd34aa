import type { Tensor } from '../tensor';
import { binaryOp, unaryOp, type Operand } from './elementwise';

/**
 * a === b elementwise → bool.
 *
 * @example
 * ```ts
 * import { equal, tensor } from '@transformer-kit/tensor';
 * const padding = equal(tensor([5, 0, 0], [3], 'int32'), 0); // [false, true, true]
 * ```
 */
export function equal(a: Operand, b: Operand): Tensor {
  return binaryOp('equal', a, b);
}

/**
 * a !== b elementwise → bool.
 *
 * @example
 * ```ts
 * import { notEqual, tensor } from '@transformer-kit/tensor';
 * const keep = notEqual(tensor([5, 0], [2], 'int32'), 0); // [true, false]
 * ```
 */
export function notEqual(a: Operand, b: Operand): Tensor {
  return binaryOp('notEqual', a, b);
}

/**
 * a < b elementwise → bool.
 *
 * @example
 * ```ts
 * import { less, tensor } from '@transformer-kit/tensor';
 * less(tensor([1, 3], [2]), 2); // [true, false]
 * ```
 */
export function less(a: Operand, b: Operand): Tensor {
  return binaryOp('less', a, b);
}

/**
 * a <= b elementwise → bool.
 *
 * @example
 * ```ts
 * import { lessEqual, tensor } from '@transformer-kit/tensor';
 * lessEqual(tensor([1, 2], [2]), 2); // [true, true]
 * ```
 */
export function lessEqual(a: Operand, b: Operand): Tensor {
  return binaryOp('lessEqual', a, b);
}

/**
 * a > b elementwise → bool.
 *
 * @example
 * ```ts
 * import { greater, tensor } from '@transformer-kit/tensor';
 * greater(tensor([1, 3], [2]), 2); // [false, true]
 * ```
 */
export function greater(a: Operand, b: Operand): Tensor {
  return binaryOp('greater', a, b);
}

/**
 * a >= b elementwise → bool.
 *
 * @example
 * ```ts
 * import { greaterEqual, tensor } from '@transformer-kit/tensor';
 * greaterEqual(tensor([1, 2], [2]), 2); // [false, true]
 * ```
 */
export function greaterEqual(a: Operand, b: Operand): Tensor {
  return binaryOp('greaterEqual', a, b);
}

/**
 * a AND b elementwise (nonzero = true) → bool.
 *
 * @example
 * ```ts
 * import { logicalAnd, tensor } from '@transformer-kit/tensor';
 * logicalAnd(tensor([true, true], [2], 'bool'), tensor([true, false], [2], 'bool')); // [true, false]
 * ```
 */
export function logicalAnd(a: Operand, b: Operand): Tensor {
  return binaryOp('logicalAnd', a, b);
}

/**
 * a OR b elementwise (nonzero = true) → bool.
 *
 * @example
 * ```ts
 * import { logicalOr, tensor } from '@transformer-kit/tensor';
 * logicalOr(tensor([true, false], [2], 'bool'), tensor([false, false], [2], 'bool')); // [true, false]
 * ```
 */
export function logicalOr(a: Operand, b: Operand): Tensor {
  return binaryOp('logicalOr', a, b);
}

/**
 * NOT x elementwise (zero = true) → bool.
 *
 * @example
 * ```ts
 * import { logicalNot, tensor } from '@transformer-kit/tensor';
 * logicalNot(tensor([true, false], [2], 'bool')); // [false, true]
 * ```
 */
export function logicalNot(x: Tensor): Tensor {
  return unaryOp('logicalNot', x);
}
