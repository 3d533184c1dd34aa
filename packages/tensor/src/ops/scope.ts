import { escapeScopes, runScoped } from '../engine';
import { isTensor, type Tensor } from '../tensor';

/**
 * Runs `fn` and disposes every tensor it created except those it returns (in an array or plain object too)
 * and those passed to `keep`. Scopes nest. `fn` must be synchronous.
 *
 * @example
 * ```ts
 * import { tidy, tensor, add, mul, memory } from '@transformer-kit/tensor';
 * const x = tensor([1, 2], [2]);
 * const before = memory().numTensors;
 * const y = tidy(() => mul(add(x, 1), 2)); // the add's result is freed here
 * console.log(memory().numTensors - before); // 1 (y)
 * ```
 */
export function tidy<T>(fn: () => T): T {
  return runScoped(fn, isTensor);
}

/**
 * Keeps a tensor alive past the `tidy` scopes it was created in.
 *
 * @example
 * ```ts
 * import { tidy, keep, tensor } from '@transformer-kit/tensor';
 * let cache;
 * tidy(() => { cache = keep(tensor([1], [1])); });
 * ```
 */
export function keep<T extends Tensor>(t: T): T {
  escapeScopes(t);
  return t;
}

/**
 * Disposes every tensor found in `value` (a tensor, an array or a plain object of them).
 *
 * @example
 * ```ts
 * import { dispose, tensor } from '@transformer-kit/tensor';
 * dispose({ a: tensor([1], [1]), b: [tensor([2], [1])] });
 * ```
 */
export function dispose(value: unknown): void {
  if (isTensor(value)) value.dispose();
  else if (Array.isArray(value)) for (const v of value) dispose(v);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) dispose(v);
}
