import { getBackend } from '../engine';
import { isWeightDType, weightBlock, weightByteLength, type WeightDType } from '../dtype';
import type { Backend } from '../backend';
import { formatShape, sizeOf, type Shape } from '../shape';
import { Tensor } from '../tensor';

/**
 * A weight kept packed: `bytes` as the file stores them (f16/bf16 values, or ggml blocks row after row) for a
 * [rows, cols] matrix. `matmul(x, w, { transposeB: true })` and `gather(w, ids)` take it; reading it gives
 * float32 values. The backend keeps the bytes (no copy on the CPU).
 *
 * @example
 * ```ts
 * import { matmul, quantizeQ8_0, tensor, weightTensor } from '@transformer-kit/tensor';
 * import { useWeightKernels } from '@transformer-kit/tensor/quant';
 * useWeightKernels();
 * const w = weightTensor(quantizeQ8_0(new Float32Array(64).fill(127)), [2, 32], 'q8_0'); // [out, in]; scale 1, q 127
 * const y = matmul(tensor(new Float32Array(32).fill(1), [1, 32]), w, { transposeB: true });
 * console.log(y.dataSync()); // Float32Array [4064, 4064]
 * ```
 */
export function weightTensor(bytes: Uint8Array, shape: Shape, dtype: WeightDType, backend: Backend = getBackend()): Tensor {
  if (!isWeightDType(dtype)) throw new TypeError(`weightTensor: '${String(dtype)}' is not a weight dtype`);
  if (shape.length !== 2) throw new RangeError(`weightTensor: a ${dtype} weight is a matrix [rows, cols], got ${formatShape(shape)}`);
  const block = weightBlock(dtype).elements;
  if (shape[1] % block !== 0) throw new RangeError(`weightTensor: a ${dtype} row holds whole blocks of ${block}, got ${formatShape(shape)}`);
  const need = weightByteLength(dtype, sizeOf(shape));
  if (bytes.byteLength !== need) {
    throw new RangeError(`weightTensor: ${dtype} ${formatShape(shape)} takes ${need} bytes, got ${bytes.byteLength}`);
  }
  return Tensor.fromDataId(backend, backend.upload(bytes, shape, dtype), shape, dtype);
}
