import type { ReduceOp } from '../backend';
import type { DType } from '../dtype';
import { normalizeAxis } from '../shape';
import type { Tensor } from '../tensor';
import { backendOf3, wrap } from './run-kernel';

/** Options of the reductions. */
export interface ReduceOptions {
  /** Keep the reduced axis with size 1 (for broadcasting back). Default false. */
  readonly keepDims?: boolean;
}

function reduceOp(op: ReduceOp, x: Tensor, axis: number, options: ReduceOptions): Tensor {
  const ax = normalizeAxis(axis, x.rank);
  const backend = backendOf3(op, x);
  const kept = x.shape.map((d, i) => (i === ax ? 1 : d));
  const dtype: DType = op === 'argmax' ? 'int32' : x.dtype === 'int32' && (op === 'sum' || op === 'max' || op === 'min') ? 'int32' : 'float32';
  const input = x.dtype === 'bool' ? null : x;
  if (!input) throw new TypeError(`${op}: reductions take float32 or int32 tensors, not bool`);
  const out = wrap(backend, backend.reduce(op, input, ax), options.keepDims ? kept : x.shape.filter((_, i) => i !== ax), dtype);
  return out;
}

/**
 * Sum along an axis.
 *
 * @example
 * ```ts
 * import { sum, tensor } from '@transformer-kit/tensor';
 * sum(tensor([1, 2, 3, 4], [2, 2]), -1); // [3, 7]
 * ```
 */
export function sum(x: Tensor, axis = -1, options: ReduceOptions = {}): Tensor {
  return reduceOp('sum', x, axis, options);
}

/**
 * Mean along an axis.
 *
 * @example
 * ```ts
 * import { mean, tensor } from '@transformer-kit/tensor';
 * mean(tensor([1, 2, 3, 4], [2, 2]), 0); // [2, 3]
 * ```
 */
export function mean(x: Tensor, axis = -1, options: ReduceOptions = {}): Tensor {
  return reduceOp('mean', x, axis, options);
}

/**
 * Maximum along an axis (NaN wins).
 *
 * @example
 * ```ts
 * import { max, tensor } from '@transformer-kit/tensor';
 * max(tensor([1, 5, 3, 4], [2, 2]), -1); // [5, 4]
 * ```
 */
export function max(x: Tensor, axis = -1, options: ReduceOptions = {}): Tensor {
  return reduceOp('max', x, axis, options);
}

/**
 * Minimum along an axis (NaN wins).
 *
 * @example
 * ```ts
 * import { min, tensor } from '@transformer-kit/tensor';
 * min(tensor([1, 5, 3, 4], [2, 2]), -1); // [1, 3]
 * ```
 */
export function min(x: Tensor, axis = -1, options: ReduceOptions = {}): Tensor {
  return reduceOp('min', x, axis, options);
}

/**
 * Index of the maximum along an axis (int32; the first one on ties) — greedy decoding's pick.
 *
 * @example
 * ```ts
 * import { argmax, tensor } from '@transformer-kit/tensor';
 * argmax(tensor([0.1, 0.7, 0.2], [3])); // int32 scalar 1
 * ```
 */
export function argmax(x: Tensor, axis = -1, options: ReduceOptions = {}): Tensor {
  return reduceOp('argmax', x, axis, options);
}

/**
 * log Σ exp(x) along an axis, computed stably (max-subtracted).
 *
 * @example
 * ```ts
 * import { logSumExp, tensor } from '@transformer-kit/tensor';
 * logSumExp(tensor([0, 0], [2])); // log 2
 * ```
 */
export function logSumExp(x: Tensor, axis = -1, options: ReduceOptions = {}): Tensor {
  return reduceOp('logSumExp', x, axis, options);
}
