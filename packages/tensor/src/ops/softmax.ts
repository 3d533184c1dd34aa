import { normalizeAxis } from '../shape';
import type { Tensor } from '../tensor';
import { div, sub } from './arithmetic';
import { maskedFill } from './where';
import { equal } from './compare';
import { logSumExp, max, sum } from './reduce';
import { exp } from './unary';
import { transpose } from './layout';
import { backendOf3, requireFloat, wrap } from './run-kernel';
import { tidy } from './scope';

/**
 * Softmax along an axis, max-subtracted (stable for large magnitudes). A row that is entirely -Infinity
 * (a fully masked attention row) gives zeros rather than NaN; NaN inputs propagate.
 *
 * @example
 * ```ts
 * import { softmax, tensor } from '@transformer-kit/tensor';
 * softmax(tensor([1, 2, 3], [3])); // [0.0900, 0.2447, 0.6652]
 * softmax(tensor([0, -Infinity], [2])); // [1, 0]
 * ```
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  requireFloat('softmax', x);
  const ax = normalizeAxis(axis, x.rank);
  if (ax !== x.rank - 1) {
    return tidy(() => transpose(softmax(transpose(x, ax, -1)), ax, -1));
  }
  const backend = backendOf3('softmax', x);
  if (backend.softmax) return wrap(backend, backend.softmax(x), x.shape, 'float32');
  return tidy(() => {
    const m = max(x, -1, { keepDims: true });
    // NOTE: a row of all -Infinity has max -Infinity and x - max = NaN; shift by 0 there so exp gives zeros.
    const safeMax = maskedFill(m, equal(m, -Infinity), 0);
    const e = exp(sub(x, safeMax));
    const total = sum(e, -1, { keepDims: true });
    return maskedFill(div(e, total), equal(total, 0), 0);
  });
}

/**
 * log(softmax(x)) along an axis, computed as x − logSumExp(x) (no log of a rounded-to-zero probability).
 *
 * @example
 * ```ts
 * import { logSoftmax, tensor } from '@transformer-kit/tensor';
 * logSoftmax(tensor([0, 0], [2])); // [-0.6931, -0.6931]
 * ```
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  requireFloat('logSoftmax', x);
  return tidy(() => sub(x, logSumExp(x, axis, { keepDims: true })));
}
