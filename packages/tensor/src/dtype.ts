/**
 * The element types a tensor can hold.
 *
 * - `float32`: every activation and weight. float16 / bfloat16 data is widened to float32 when read from a file.
 * - `int32`: token ids, indices, positions.
 * - `bool`: masks (`true` = not allowed to attend, as in the PyTorch fixtures); stored as one byte per element.
 * - weight dtypes (`WeightDType`: `float16`, `bfloat16` and ggml's block types `q4_0` ... `q6_k`): weights kept as
 *   the file stores them. Only `matmul` (as the right operand, transposed: x · Wᵀ) and `gather` (row lookup)
 *   take them; reading one gives its float32 values.
 *
 * @example
 * ```ts
 * import { tensor } from '@transformer-kit/tensor';
 * const ids = tensor([1, 2, 3], [3], 'int32');
 * console.log(ids.dtype); // 'int32'
 * ```
 */
export type DType = 'float32' | 'int32' | 'bool' | WeightDType;

/** The dtypes of values computed with: what every op outputs. */
export type ComputeDType = 'float32' | 'int32' | 'bool';

/**
 * Weights kept in their file's encoding: 16-bit floats, or ggml's quantized blocks (the same names as GGUF's
 * types, lower case). Storage is the packed bytes; `weightByteLength` gives their size.
 */
export type WeightDType = 'float16' | 'bfloat16' | 'q4_0' | 'q4_1' | 'q5_0' | 'q5_1' | 'q8_0' | 'q2_k' | 'q3_k' | 'q4_k' | 'q5_k' | 'q6_k';

/** Per weight dtype: ggml type id, elements per block, bytes per block. */
const WEIGHT_BLOCKS: Record<WeightDType, readonly [ggml: number, elements: number, bytes: number]> = {
  float16: [1, 1, 2], bfloat16: [30, 1, 2], q4_0: [2, 32, 18], q4_1: [3, 32, 20], q5_0: [6, 32, 22], q5_1: [7, 32, 24],
  q8_0: [8, 32, 34], q2_k: [10, 256, 84], q3_k: [11, 256, 110], q4_k: [12, 256, 144], q5_k: [13, 256, 176], q6_k: [14, 256, 210],
};

/**
 * True for a dtype that is not a compute dtype: what the ops and backends test on their hot paths (a weight
 * dtype is the only other kind a Tensor can have). Unlike `isWeightDType` it needs no table, so bundles
 * that never see a packed weight stay as small as before.
 *
 * @example
 * ```ts
 * import { isPackedDType } from '@transformer-kit/tensor';
 * console.log(isPackedDType('q8_0'), isPackedDType('int32')); // true false
 * ```
 */
export function isPackedDType(dtype: DType): dtype is WeightDType {
  return dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool';
}

/**
 * True for a weight dtype (packed storage that only matmul and gather take).
 *
 * @example
 * ```ts
 * import { isWeightDType } from '@transformer-kit/tensor';
 * console.log(isWeightDType('q4_k'), isWeightDType('float32')); // true false
 * ```
 */
export function isWeightDType(dtype: string): dtype is WeightDType {
  return Object.prototype.hasOwnProperty.call(WEIGHT_BLOCKS, dtype);
}

/**
 * The ggml block of a weight dtype: its GGUF type id, elements per block and bytes per block.
 *
 * @example
 * ```ts
 * import { weightBlock } from '@transformer-kit/tensor';
 * console.log(weightBlock('q4_k')); // { ggmlType: 12, elements: 256, bytes: 144 }
 * ```
 */
export function weightBlock(dtype: WeightDType): { ggmlType: number; elements: number; bytes: number } {
  const [ggmlType, elements, bytes] = WEIGHT_BLOCKS[dtype];
  return { ggmlType, elements, bytes };
}

/**
 * The weight dtype of a ggml type id, or undefined when it has none (F32 is plain float32).
 *
 * @example
 * ```ts
 * import { weightDTypeOfGgml } from '@transformer-kit/tensor';
 * console.log(weightDTypeOfGgml(14), weightDTypeOfGgml(0)); // q6_k undefined
 * ```
 */
export function weightDTypeOfGgml(ggmlType: number): WeightDType | undefined {
  return (Object.keys(WEIGHT_BLOCKS) as WeightDType[]).find((d) => WEIGHT_BLOCKS[d][0] === ggmlType);
}

/**
 * Bytes of `size` elements of a weight dtype (`size` a multiple of its block; else an error).
 *
 * @example
 * ```ts
 * import { weightByteLength } from '@transformer-kit/tensor';
 * console.log(weightByteLength('q8_0', 64)); // 68
 * ```
 */
export function weightByteLength(dtype: WeightDType, size: number): number {
  const [, elements, bytes] = WEIGHT_BLOCKS[dtype];
  if (size % elements !== 0) throw new RangeError(`${dtype}: ${size} elements are not whole blocks of ${elements}`);
  return (size / elements) * bytes;
}

/** The typed array that holds host-side values of a given dtype. */
export type TypedArrayFor<D extends DType> = D extends 'float32' | WeightDType
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
