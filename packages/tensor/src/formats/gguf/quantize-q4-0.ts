/**
 * float32 → Q4_0, as ggml's `quantize_row_q4_0_ref`: per block of 32, d = max / -8 of the largest-magnitude
 * value (stored as f16), q = min(15, trunc(x / d + 8.5)) in float32 arithmetic; low nibbles hold values 0-15,
 * high nibbles 16-31.
 */
import { floatToHalfBits } from './quantize-q8-0';

/**
 * Quantizes float32 values (a multiple of 32) to Q4_0 blocks.
 *
 * @example
 * ```ts
 * import { dequantizeGgml, quantizeQ4_0 } from '@transformer-kit/tensor';
 * const x = Float32Array.from({ length: 32 }, (_, i) => i - 16);
 * const back = dequantizeGgml(quantizeQ4_0(x), 2, 32);
 * console.log(Math.max(...back.map((v, i) => Math.abs(v - x[i]))) <= 1); // true
 * ```
 */
export function quantizeQ4_0(x: Float32Array): Uint8Array {
  if (x.length % 32 !== 0) throw new RangeError(`quantizeQ4_0: ${x.length} values are not whole blocks of 32`);
  const f = Math.fround;
  const out = new Uint8Array((x.length / 32) * 18);
  for (let b = 0; b < x.length / 32; b++) {
    let amax = 0;
    let max = 0;
    for (let j = 0; j < 32; j++) {
      const v = x[b * 32 + j];
      if (Math.abs(v) > amax) [amax, max] = [Math.abs(v), v];
    }
    const d = f(max / -8);
    const id = d ? f(1 / d) : 0;
    const h = floatToHalfBits(d);
    out[b * 18] = h & 0xff;
    out[b * 18 + 1] = h >> 8;
    for (let j = 0; j < 16; j++) {
      const q = (v: number) => Math.min(15, Math.trunc(f(f(v * id) + 8.5)));
      out[b * 18 + 2 + j] = q(x[b * 32 + j]) | (q(x[b * 32 + 16 + j]) << 4);
    }
  }
  return out;
}
