import { causalMask, type Tensor } from '@transformer-kit/tensor';
import { checkSizes } from './causal-mask';

/**
 * A bool sliding-window causal mask [seqQ, seqK] (Mistral, Longformer's local attention): query i at absolute
 * position p = queryOffset + i may attend keys p − window + 1 … p, i.e. itself and the `window − 1` before it.
 * true = NOT allowed. `window` ≥ seqK gives the plain causal mask.
 *
 * @example
 * ```ts
 * import { slidingWindowMask } from '@transformer-kit/attention';
 * slidingWindowMask(4, 4, 2); // each query sees itself and the one before:
 * // [[F, T, T, T], [F, F, T, T], [T, F, F, T], [T, T, F, F]]
 * ```
 */
export function slidingWindowMask(seqQ: number, seqK: number, window: number, queryOffset = seqK - seqQ): Tensor {
  checkSizes('slidingWindowMask', seqQ, seqK);
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`slidingWindowMask: window must be an integer ≥ 1, got ${window}`);
  if (!Number.isInteger(queryOffset) || queryOffset < 0) throw new RangeError(`slidingWindowMask: queryOffset must be an integer ≥ 0, got ${queryOffset}`);
  return causalMask(seqQ, seqK, queryOffset, { window }); // tensor's mask, on the active backend
}
