/**
 * ggml's 32-element block types, decoded as ggml's `dequantize_row_*` does (float32 arithmetic; every product
 * here is exact in float32, so the float64 evaluation below rounds to the same values).
 *
 *   Q4_0 {f16 d; u8 qs[16]}              y = (q - 8)·d          q: low nibbles = elements 0..15, high = 16..31
 *   Q4_1 {f16 d, m; u8 qs[16]}           y = q·d + m
 *   Q5_0 {f16 d; u32 qh; u8 qs[16]}      y = (q | bit5 from qh) - 16, times d
 *   Q5_1 {f16 d, m; u32 qh; u8 qs[16]}   y = (q | bit5)·d + m
 *   Q8_0 {f16 d; i8 qs[32]}              y = q·d
 */
import { half } from './half';

/** Decodes `blocks` blocks of `typeId` from `src` at byte `at` into `out` from `o`. */
export function dequantizeLegacy(typeId: number, src: Uint8Array, at: number, blocks: number, out: Float32Array, o: number): void {
  const h = (p: number) => half(src[p] | (src[p + 1] << 8));
  for (let b = 0; b < blocks; b++, o += 32) {
    switch (typeId) {
      case 2: {
        const p = at + b * 18;
        const d = h(p);
        for (let j = 0; j < 16; j++) {
          const q = src[p + 2 + j];
          out[o + j] = ((q & 15) - 8) * d;
          out[o + j + 16] = ((q >> 4) - 8) * d;
        }
        break;
      }
      case 3: {
        const p = at + b * 20;
        const d = h(p);
        const m = h(p + 2);
        for (let j = 0; j < 16; j++) {
          const q = src[p + 4 + j];
          out[o + j] = (q & 15) * d + m;
          out[o + j + 16] = (q >> 4) * d + m;
        }
        break;
      }
      case 6:
      case 7: {
        const withMin = typeId === 7;
        const p = at + b * (withMin ? 24 : 22);
        const d = h(p);
        const m = withMin ? h(p + 2) : 0;
        const hp = p + (withMin ? 4 : 2);
        const qh = (src[hp] | (src[hp + 1] << 8) | (src[hp + 2] << 16) | (src[hp + 3] << 24)) >>> 0;
        for (let j = 0; j < 16; j++) {
          const q = src[hp + 4 + j];
          const x0 = (q & 15) | (((qh >>> j) << 4) & 0x10);
          const x1 = (q >> 4) | ((qh >>> (j + 12)) & 0x10);
          if (withMin) {
            out[o + j] = x0 * d + m;
            out[o + j + 16] = x1 * d + m;
          } else {
            out[o + j] = (x0 - 16) * d;
            out[o + j + 16] = (x1 - 16) * d;
          }
        }
        break;
      }
      case 8: {
        const p = at + b * 34;
        const d = h(p);
        for (let j = 0; j < 32; j++) out[o + j] = ((src[p + 2 + j] << 24) >> 24) * d;
        break;
      }
      default:
        throw new RangeError(`dequantizeLegacy: ggml type ${typeId} is not a 32-element block type`);
    }
  }
}
