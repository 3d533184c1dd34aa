/**
 * Decodes ggml tensor data to float32, exactly as ggml's `to_float` does, for every type in `WEIGHT_TYPES`:
 * F32 (copied), F16, BF16, the 32-element block types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) and the K-quants
 * (Q2_K ... Q6_K). Any other type is an error naming it and the supported list.
 */
import { dequantizeKQuants } from './dequantize-k-quants';
import { dequantizeLegacy } from './dequantize-legacy';
import { ggmlType, ggmlTypeName, WEIGHT_TYPES } from './ggml-type';
import { half } from './half';

/**
 * Decodes `count` values of ggml type `typeId` from `src` (starting at its byte 0) into `out` at `outOffset`.
 * `count` is a multiple of the type's block; `what` names the tensor in errors.
 *
 * @example
 * ```ts
 * import { dequantizeGgmlInto } from '@transformer-kit/tensor';
 * const q8 = new Uint8Array(34); q8[1] = 0x3c; q8[2] = 3; // Q8_0: scale 1.0 (f16 0x3c00), first value 3
 * const out = new Float32Array(32);
 * dequantizeGgmlInto(q8, 8, 32, out, 0);
 * console.log(out[0], out[1]); // 3 0
 * ```
 */
export function dequantizeGgmlInto(src: Uint8Array, typeId: number, count: number, out: Float32Array, outOffset: number, what = 'tensor'): void {
  const info = ggmlType(typeId);
  if (!info || !(WEIGHT_TYPES as readonly string[]).includes(info.name)) {
    throw new Error(`${what} is ${ggmlTypeName(typeId)}, which cannot be decoded (supported types: ${WEIGHT_TYPES.join(', ')})`);
  }
  if (count % info.elements !== 0) throw new RangeError(`${what}: ${count} ${info.name} values are not whole blocks of ${info.elements}`);
  const need = (count / info.elements) * info.bytes;
  if (src.byteLength < need) throw new RangeError(`${what}: ${count} ${info.name} values need ${need} bytes, got ${src.byteLength}`);
  switch (typeId) {
    case 0:
      // NOTE: copied through a byte slice so an unaligned F32 tensor in the file still decodes.
      out.set(new Float32Array(src.slice(0, 4 * count).buffer), outOffset);
      return;
    case 1:
      for (let i = 0; i < count; i++) out[outOffset + i] = half(src[2 * i] | (src[2 * i + 1] << 8));
      return;
    case 30: {
      const words = new Uint32Array(out.buffer, out.byteOffset + 4 * outOffset, count);
      for (let i = 0; i < count; i++) words[i] = (src[2 * i] << 16) | (src[2 * i + 1] << 24);
      return;
    }
    case 2: case 3: case 6: case 7: case 8:
      dequantizeLegacy(typeId, src, 0, count / 32, out, outOffset);
      return;
    default:
      dequantizeKQuants(typeId, src, 0, count / 256, out, outOffset);
  }
}

/**
 * `count` values of ggml type `typeId` in `src`, as a new Float32Array (see `dequantizeGgmlInto`).
 *
 * @example
 * ```ts
 * import { dequantizeGgml } from '@transformer-kit/tensor';
 * dequantizeGgml(new Uint8Array(new Float32Array([1, 2]).buffer), 0, 2); // Float32Array [1, 2]
 * ```
 */
export function dequantizeGgml(src: Uint8Array, typeId: number, count: number, what = 'tensor'): Float32Array {
  const out = new Float32Array(count);
  dequantizeGgmlInto(src, typeId, count, out, 0, what);
  return out;
}
