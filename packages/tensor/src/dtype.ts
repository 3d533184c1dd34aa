/**
 * The element types a tensor can hold.
 *
 * - `float32`: every activation and weight. float16 / bfloat16 data is widened to float32 when read from a file.
 * - `int32`: token ids, indices, positions.
 * - `bool`: masks (`true` = not allowed to attend, as in the PyTorch fixtures); stored as one byte per element.
 *
 * @example
 * ```ts
 * import { tensor } from '@transformer-kit/tensor';
 * const ids = tensor([1, 2, 3], [3], 'int32');
 * console.log(ids.dtype); // 'int32'
 * ```
 */
export type DType = 'float32' | 'int32' | 'bool';

/** The typed array that holds host-side values of a given dtype. */
export type TypedArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'int32'
    ? Int32Array
    : Uint8Array;

/** Any of the typed arrays a tensor's values are read into. */
export type TensorData = Float32Array | Int32Array | Uint8Array;

/**
 * Allocates a zero-filled typed array for `size` elements of `dtype`.
 *
 * @example
 * ```ts
 * import { allocate } from '@transformer-kit/tensor';
 * allocate('int32', 4); // Int32Array [0, 0, 0, 0]
 * ```
 */
export function allocate(dtype: DType, size: number): TensorData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
    default:
      throw new TypeError(`Unknown dtype '${String(dtype)}': expected 'float32', 'int32' or 'bool'`);
  }
}

/**
 * Copies `values` into a new typed array of `dtype` (rounding toward zero for int32, `!== 0` for bool).
 *
 * @example
 * ```ts
 * import { toTypedArray } from '@transformer-kit/tensor';
 * toTypedArray([0, 2.5], 'bool'); // Uint8Array [0, 1]
 * ```
 */
export function toTypedArray(values: ArrayLike<number | boolean>, dtype: DType): TensorData {
  const out = allocate(dtype, values.length);
  if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
  } else {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  }
  return out;
}

/** The dtype whose typed array `data` is. */
export function dtypeOfData(data: TensorData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'bool';
  throw new TypeError('Expected a Float32Array, Int32Array or Uint8Array');
}
