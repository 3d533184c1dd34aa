import { weightBlock, type WeightDType } from '../../dtype';

/** Byte offsets of the f16 scales inside one block of each quantized type (ggml's block layouts). */
const SCALES: Partial<Record<WeightDType, readonly number[]>> = {
  q4_0: [0], q4_1: [0, 2], q5_0: [0], q5_1: [0, 2], q8_0: [0],
  q2_k: [80, 82], q3_k: [108], q4_k: [0, 2], q5_k: [0, 2], q6_k: [208],
};

/**
 * How many values of a packed weight are NaN or ±Infinity, cheaply: a quantized block's values are integers times
 * its f16 scales, so they are all finite exactly when its scales are; a non-finite scale counts its whole block.
 * 16-bit weights are checked value by value (exponent bits all ones).
 *
 * @example
 * ```ts
 * import { nonFiniteWeightCount, quantizeQ8_0 } from '@transformer-kit/tensor';
 * const q = quantizeQ8_0(new Float32Array(64).fill(1));
 * q[35] = 0x7c; // the second block's scale becomes +Infinity (f16 0x7c00)
 * console.log(nonFiniteWeightCount('q8_0', q)); // 32
 * ```
 */
export function nonFiniteWeightCount(dtype: WeightDType, bytes: Uint8Array): number {
  let count = 0;
  if (dtype === 'float16' || dtype === 'bfloat16') {
    const mask = dtype === 'float16' ? 0x7c00 : 0x7f80;
    for (let i = 0; i + 1 < bytes.length; i += 2) if (((bytes[i] | (bytes[i + 1] << 8)) & mask) === mask) count++;
    return count;
  }
  const { elements, bytes: blockBytes } = weightBlock(dtype);
  const scales = SCALES[dtype]!;
  for (let b = 0; b + blockBytes <= bytes.length; b += blockBytes) {
    for (const s of scales) {
      if ((bytes[b + s + 1] & 0x7c) === 0x7c) {
        count += elements;
        break;
      }
    }
  }
  return count;
}
