/**
 * IEEE half → float through a 65536-entry table (built once, on first use, by the safetensors widening): the
 * decoders call this once per block scale, so it must be cheap.
 */
import { float16ToFloat32 } from '../../safetensors/float16';

let table: Float32Array | null = null;

/** The float value of the half-precision bit pattern `bits` (exact; NaN and infinities included). */
export function half(bits: number): number {
  table ??= float16ToFloat32(Uint16Array.from({ length: 65536 }, (_, i) => i));
  return table[bits];
}
