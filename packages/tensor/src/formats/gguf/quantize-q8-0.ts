/**
 * float32 → Q8_0, as ggml's `quantize_row_q8_0_ref`: per block of 32, d = max|x| / 127 (stored as f16),
 * q = round(x / d) (round half away from zero, as C's roundf).
 */

/**
 * float → IEEE half bits, round to nearest even (as ggml's GGML_FP32_TO_FP16 on hardware with F16C).
 *
 * @example
 * ```ts
 * import { floatToHalfBits } from '@transformer-kit/tensor';
 * console.log(floatToHalfBits(1).toString(16), floatToHalfBits(-2).toString(16)); // 3c00 c000
 * ```
 */
export function floatToHalfBits(value: number): number {
  const f32 = new Float32Array([value]);
  const x = new Uint32Array(f32.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}

/**
 * Quantizes float32 values (a multiple of 32) to Q8_0 blocks.
 *
 * @example
 * ```ts
 * import { dequantizeGgml, quantizeQ8_0 } from '@transformer-kit/tensor';
 * const x = Float32Array.from({ length: 32 }, (_, i) => i - 16);
 * const back = dequantizeGgml(quantizeQ8_0(x), 8, 32);
 * console.log(Math.max(...back.map((v, i) => Math.abs(v - x[i]))) < 0.07); // true
 * ```
 */
export function quantizeQ8_0(x: Float32Array): Uint8Array {
  if (x.length % 32 !== 0) throw new RangeError(`quantizeQ8_0: ${x.length} values are not whole blocks of 32`);
  const out = new Uint8Array((x.length / 32) * 34);
  for (let b = 0; b < x.length / 32; b++) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b * 32 + j]));
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    const h = floatToHalfBits(d);
    out[b * 34] = h & 0xff;
    out[b * 34 + 1] = h >> 8;
    for (let j = 0; j < 32; j++) {
      const v = Math.fround(x[b * 32 + j] * id);
      out[b * 34 + 2 + j] = (Math.sign(v) * Math.round(Math.abs(v))) & 0xff;
    }
  }
  return out;
}
