import { broadcastShapes, formatShape } from '../shape';
import { Tensor } from '../tensor';
import { scalar } from './creation';
import { backendOf3, check, wrap } from './run-kernel';

/**
 * Elementwise `cond ? a : b` with broadcasting (cond: any dtype, nonzero = true).
 *
 * @example
 * ```ts
 * import { where, tensor } from '@transformer-kit/tensor';
 * where(tensor([true, false], [2], 'bool'), tensor([1, 2], [2]), tensor([9, 9], [2])); // [1, 9]
 * ```
 */
export function where(cond: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  const backend = backendOf3('where', cond, a instanceof Tensor ? a : null, b instanceof Tensor ? b : null);
  const dtype = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : 'float32';
  const ta = a instanceof Tensor ? a : scalar(a, dtype, backend);
  const tb = b instanceof Tensor ? b : scalar(b, dtype, backend);
  check(ta.dtype === tb.dtype, 'where', () => `branches differ in dtype: ${ta.dtype} ${formatShape(ta.shape)} vs ${tb.dtype} ${formatShape(tb.shape)}`);
  const outShape = broadcastShapes(broadcastShapes(cond.shape, ta.shape), tb.shape);
  const out = wrap(backend, backend.where(cond, ta, tb, outShape), outShape, dtype);
  if (ta !== a) ta.dispose();
  if (tb !== b) tb.dispose();
  return out;
}

/**
 * Replaces x where `mask` is true by `value` (PyTorch's `masked_fill`): attention masks use -Infinity.
 *
 * @example
 * ```ts
 * import { maskedFill, tensor } from '@transformer-kit/tensor';
 * const scores = tensor([0.5, 0.1], [2]);
 * maskedFill(scores, tensor([false, true], [2], 'bool'), -Infinity); // [0.5, -Infinity]
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  return where(mask, value, x);
}
