import type { Tensor } from '../tensor';
import { unaryOp } from './elementwise';

/**
 * Elementwise -x. int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { neg, tensor } from '@transformer-kit/tensor';
 * neg(tensor([1, -2], [2])); // [-1, 2]
 * ```
 */
export function neg(x: Tensor): Tensor {
  return unaryOp('neg', x);
}

/**
 * Elementwise |x|. int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { abs, tensor } from '@transformer-kit/tensor';
 * abs(tensor([1, -2], [2])); // [1, 2]
 * ```
 */
export function abs(x: Tensor): Tensor {
  return unaryOp('abs', x);
}

/**
 * Elementwise e^x. int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { exp, tensor } from '@transformer-kit/tensor';
 * exp(tensor([0, 1], [2])); // [1, 2.718...]
 * ```
 */
export function exp(x: Tensor): Tensor {
  return unaryOp('exp', x);
}

/**
 * Elementwise the natural logarithm (log 0 = -Infinity, log of a negative = NaN). int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { log, tensor } from '@transformer-kit/tensor';
 * log(tensor([1, Math.E], [2])); // [0, 1]
 * ```
 */
export function log(x: Tensor): Tensor {
  return unaryOp('log', x);
}

/**
 * Elementwise the square root. int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { sqrt, tensor } from '@transformer-kit/tensor';
 * sqrt(tensor([4, 9], [2])); // [2, 3]
 * ```
 */
export function sqrt(x: Tensor): Tensor {
  return unaryOp('sqrt', x);
}

/**
 * Elementwise 1 / sqrt(x). int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { rsqrt, tensor } from '@transformer-kit/tensor';
 * rsqrt(tensor([4, 16], [2])); // [0.5, 0.25]
 * ```
 */
export function rsqrt(x: Tensor): Tensor {
  return unaryOp('rsqrt', x);
}

/**
 * Elementwise the hyperbolic tangent. int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { tanh, tensor } from '@transformer-kit/tensor';
 * tanh(tensor([0], [1])); // [0]
 * ```
 */
export function tanh(x: Tensor): Tensor {
  return unaryOp('tanh', x);
}

/**
 * Elementwise 1 / (1 + e^-x). int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { sigmoid, tensor } from '@transformer-kit/tensor';
 * sigmoid(tensor([0], [1])); // [0.5]
 * ```
 */
export function sigmoid(x: Tensor): Tensor {
  return unaryOp('sigmoid', x);
}

/**
 * Elementwise the error function (to ~1e-7). int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { erf, tensor } from '@transformer-kit/tensor';
 * erf(tensor([0, 1], [2])); // [0, 0.8427]
 * ```
 */
export function erf(x: Tensor): Tensor {
  return unaryOp('erf', x);
}

/**
 * Elementwise max(x, 0) (NaN stays NaN). int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { relu, tensor } from '@transformer-kit/tensor';
 * relu(tensor([-1, 2], [2])); // [0, 2]
 * ```
 */
export function relu(x: Tensor): Tensor {
  return unaryOp('relu', x);
}

/**
 * Elementwise 1 / x. int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { reciprocal, tensor } from '@transformer-kit/tensor';
 * reciprocal(tensor([2, 4], [2])); // [0.5, 0.25]
 * ```
 */
export function reciprocal(x: Tensor): Tensor {
  return unaryOp('reciprocal', x);
}

/**
 * Elementwise x². int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { square, tensor } from '@transformer-kit/tensor';
 * square(tensor([3], [1])); // [9]
 * ```
 */
export function square(x: Tensor): Tensor {
  return unaryOp('square', x);
}

/**
 * Elementwise the sine. int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { sin, tensor } from '@transformer-kit/tensor';
 * sin(tensor([0], [1])); // [0]
 * ```
 */
export function sin(x: Tensor): Tensor {
  return unaryOp('sin', x);
}

/**
 * Elementwise the cosine. int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { cos, tensor } from '@transformer-kit/tensor';
 * cos(tensor([0], [1])); // [1]
 * ```
 */
export function cos(x: Tensor): Tensor {
  return unaryOp('cos', x);
}

/**
 * Elementwise the largest integer ≤ x (as float32). int32 input is computed as float32.
 *
 * @example
 * ```ts
 * import { floor, tensor } from '@transformer-kit/tensor';
 * floor(tensor([1.5, -1.5], [2])); // [1, -2]
 * ```
 */
export function floor(x: Tensor): Tensor {
  return unaryOp('floor', x);
}
