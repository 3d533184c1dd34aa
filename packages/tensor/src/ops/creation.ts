import type { Backend } from '../backend';
import { allocate, toTypedArray, type DType, type TensorData } from '../dtype';
import { getBackend } from '../engine';
import { assertValidShape, formatShape, sizeOf, type Shape } from '../shape';
import { Tensor } from '../tensor';

/** Values a tensor can be made from: a typed array (taken as is), or a flat array of numbers/booleans. */
export type TensorLike = TensorData | readonly number[] | readonly boolean[];

/**
 * Makes a tensor from flat row-major values on the active backend (or `backend`).
 * A typed array of the right kind is handed to the backend without an extra copy here; the CPU backend copies
 * it into its heap (so changing the array afterwards changes nothing), a GPU backend uploads it. Other backends
 * may keep it: do not rely on either, and do not modify it while the tensor is in use.
 *
 * @example
 * ```ts
 * import { tensor } from '@transformer-kit/tensor';
 * const m = tensor([1, 2, 3, 4, 5, 6], [2, 3]); // float32 [2, 3]
 * const ids = tensor([5, 9], [2], 'int32');
 * ```
 */
export function tensor(values: TensorLike, shape?: Shape, dtype?: DType, backend: Backend = getBackend()): Tensor {
  const dt: DType = dtype ?? (values instanceof Int32Array ? 'int32' : values instanceof Uint8Array ? 'bool' : 'float32');
  const s = shape ?? [values.length];
  assertValidShape(s);
  if (sizeOf(s) !== values.length) {
    throw new RangeError(`tensor: ${values.length} values do not fill shape ${formatShape(s)} (${sizeOf(s)} elements)`);
  }
  const data = isTypedFor(values, dt) ? values : toTypedArray(values as ArrayLike<number>, dt);
  return Tensor.fromDataId(backend, backend.upload(data, s, dt), s, dt);
}

function isTypedFor(values: TensorLike, dtype: DType): values is TensorData {
  return (
    (dtype === 'float32' && values instanceof Float32Array) ||
    (dtype === 'int32' && values instanceof Int32Array) ||
    (dtype === 'bool' && values instanceof Uint8Array)
  );
}

/**
 * A rank-0 tensor holding one value.
 *
 * @example
 * ```ts
 * import { scalar } from '@transformer-kit/tensor';
 * const half = scalar(0.5);
 * ```
 */
export function scalar(value: number, dtype: DType = 'float32', backend: Backend = getBackend()): Tensor {
  return tensor([value], [], dtype, backend);
}

/**
 * A tensor of `shape` filled with `value`.
 *
 * @example
 * ```ts
 * import { full } from '@transformer-kit/tensor';
 * const mask = full([4, 4], -Infinity);
 * ```
 */
export function full(shape: Shape, value: number, dtype: DType = 'float32', backend: Backend = getBackend()): Tensor {
  assertValidShape(shape);
  const data = allocate(dtype, sizeOf(shape));
  if (value !== 0) data.fill(dtype === 'bool' ? (value ? 1 : 0) : value);
  return tensor(data, shape, dtype, backend);
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * import { zeros } from '@transformer-kit/tensor';
 * const z = zeros([2, 3]);
 * ```
 */
export function zeros(shape: Shape, dtype: DType = 'float32', backend: Backend = getBackend()): Tensor {
  return full(shape, 0, dtype, backend);
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * import { ones } from '@transformer-kit/tensor';
 * const o = ones([3]);
 * ```
 */
export function ones(shape: Shape, dtype: DType = 'float32', backend: Backend = getBackend()): Tensor {
  return full(shape, 1, dtype, backend);
}

/**
 * `[start, start + step, ...)` up to (not including) `stop`; with one argument, `[0, 1, ..., n - 1]`.
 * int32 when every value is an integer, else float32 (override with `dtype`). On the active backend unless `backend` is given.
 *
 * @example
 * ```ts
 * import { arange } from '@transformer-kit/tensor';
 * const positions = arange(8); // int32 [0..7]
 * const halves = arange(0, 1, 0.25); // float32 [0, 0.25, 0.5, 0.75]
 * ```
 */
export function arange(startOrStop: number, stop?: number, step = 1, dtype?: DType, backend: Backend = getBackend()): Tensor {
  const start = stop === undefined ? 0 : startOrStop;
  const end = stop === undefined ? startOrStop : stop;
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be a finite non-zero number, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dt = dtype ?? (Number.isInteger(start) && Number.isInteger(step) ? 'int32' : 'float32');
  const data = allocate(dt, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return tensor(data, [n], dt, backend);
}
