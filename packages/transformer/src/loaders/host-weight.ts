/**
 * Where a checkpoint's tensor becomes a model weight: a packed one (f16/bf16, ggml's quantized blocks) stays
 * packed on the backend (`weightTensor`, with the packed-weight kernels installed), anything else is uploaded
 * as float32. Every model builds its weights through `toWeight`, and every loader describes packed tensors
 * with `packedHostTensor`.
 */
import { tensor, weightTensor, type Tensor, type WeightDType } from '@transformer-kit/tensor';
import { useWeightKernels } from '@transformer-kit/tensor/quant';
import type { HostTensor } from './weight-source';

/**
 * A HostTensor over packed bytes: `packed` for models that keep it so, `data` decoding on first access for
 * code that wants float32.
 *
 * @example
 * ```ts
 * import { packedHostTensor } from '@transformer-kit/transformer';
 * const t = packedHostTensor([1, 2], 'float16', new Uint8Array([0x00, 0x3c, 0x00, 0xc0]), () => new Float32Array([1, -2]));
 * console.log(t.packed!.dtype, t.data); // float16 Float32Array(2) [ 1, -2 ]
 * ```
 */
export function packedHostTensor(shape: readonly number[], dtype: WeightDType, bytes: Uint8Array, decode: () => Float32Array): HostTensor {
  let decoded: Float32Array | null = null;
  return {
    shape,
    packed: { dtype, bytes },
    get data() {
      decoded ??= decode();
      return decoded;
    },
  };
}

/**
 * The model weight of a checkpoint tensor: packed when the checkpoint keeps it packed and it is a matrix
 * (what matmul and gather take), else float32.
 *
 * @example
 * ```ts
 * import { toWeight } from '@transformer-kit/transformer';
 * const w = toWeight({ data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] }, [2, 2]);
 * console.log(w.dtype); // float32
 * ```
 */
export function toWeight(t: HostTensor, shape: number[]): Tensor {
  if (t.packed && shape.length === 2) {
    useWeightKernels();
    return weightTensor(t.packed.bytes, shape, t.packed.dtype);
  }
  return tensor(t.data, shape);
}
