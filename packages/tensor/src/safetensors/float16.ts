/**
 * Widens IEEE 754 half-precision values (as uint16 bit patterns) to float32, exactly: subnormals,
 * infinities and NaN included.
 *
 * @example
 * ```ts
 * import { float16ToFloat32 } from '@transformer-kit/tensor';
 * float16ToFloat32(new Uint16Array([0x3c00, 0xc000])); // Float32Array [1, -2]
 * ```
 */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[i] = sign * fraction * 2 ** -24;
    else if (exponent === 0x1f) out[i] = fraction ? NaN : sign * Infinity;
    else out[i] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

/**
 * Widens bfloat16 values (uint16 bit patterns: the top half of a float32) to float32, exactly.
 *
 * @example
 * ```ts
 * import { bfloat16ToFloat32 } from '@transformer-kit/tensor';
 * bfloat16ToFloat32(new Uint16Array([0x3f80])); // Float32Array [1]
 * ```
 */
export function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i] << 16;
  return new Float32Array(words.buffer);
}
