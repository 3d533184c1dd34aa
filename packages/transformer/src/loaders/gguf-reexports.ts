/**
 * The GGUF reader moved to `@transformer-kit/tensor` (beside safetensors); these keep the transformer
 * package's published names working.
 */
import { dequantizeGgml, readGguf } from '@transformer-kit/tensor';

export { readGguf };

/**
 * `count` values of ggml type `type` starting at byte `offset` of `bytes`, as a new Float32Array
 * (the tensor package's `dequantizeGgml`, kept under its old name).
 *
 * @example
 * ```ts
 * import { ggufToFloat32 } from '@transformer-kit/transformer';
 * const values = ggufToFloat32(new Uint8Array(new Float32Array([1, 2]).buffer), 0, 0, 2); // Float32Array [1, 2]
 * ```
 */
export function ggufToFloat32(bytes: Uint8Array, offset: number, type: number, count: number): Float32Array {
  return dequantizeGgml(bytes.subarray(offset), type, count);
}
