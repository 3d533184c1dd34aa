/**
 * Decodes GGUF tensor data to float32: F32 (copied so it is aligned and independent of the file), F16, BF16,
 * and Q8_0 (blocks of 32 int8 values sharing one F16 scale: value = scale · q).
 */

/** IEEE half → float. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * `count` values of ggml type `type` starting at byte `offset` of `bytes`, as a new Float32Array.
 *
 * @example
 * ```ts
 * import { ggufToFloat32 } from '@transformer-kit/transformer';
 * const values = ggufToFloat32(new Uint8Array(new Float32Array([1, 2]).buffer), 0, 0, 2); // Float32Array [1, 2]
 * ```
 */
export function toFloat32(bytes: Uint8Array, offset: number, type: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  const out = new Float32Array(count);
  switch (type) {
    case 0:
      out.set(new Float32Array(bytes.slice(offset, offset + 4 * count).buffer));
      return out;
    case 1:
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    case 30: {
      const word = new Uint32Array(1);
      const asFloat = new Float32Array(word.buffer);
      for (let i = 0; i < count; i++) {
        word[0] = view.getUint16(2 * i, true) << 16;
        out[i] = asFloat[0];
      }
      return out;
    }
    case 8: {
      if (count % 32 !== 0) throw new Error(`GGUF: a Q8_0 tensor needs a multiple of 32 values, got ${count}`);
      for (let b = 0; b < count / 32; b++) {
        const base = b * 34;
        const scale = halfToFloat(view.getUint16(base, true));
        for (let j = 0; j < 32; j++) out[b * 32 + j] = scale * view.getInt8(base + 2 + j);
      }
      return out;
    }
    default:
      throw new Error(`GGUF: cannot decode ggml type ${type}`);
  }
}
