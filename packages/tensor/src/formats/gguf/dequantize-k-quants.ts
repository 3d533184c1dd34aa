/**
 * ggml's 256-element "K-quant" super-blocks, decoded as ggml's `dequantize_row_q*_K` does. Each super-block
 * holds one or two f16 scales and 8 or 16 sub-block scales; intermediate scales are rounded to float32
 * (`fround`) where ggml stores them in a float.
 *
 *   Q2_K {u8 scales[16]; u8 qs[64]; f16 d, dmin}                  y = d·(sc&15)·q2 - dmin·(sc>>4)
 *   Q3_K {u8 hmask[32]; u8 qs[64]; u8 scales[12]; f16 d}          y = d·(sc6-32)·(q2 - (hbit ? 0 : 4))
 *   Q4_K {f16 d, dmin; u8 scales[12]; u8 qs[128]}                 y = d·sc·q4 - dmin·m   (6-bit sc, m)
 *   Q5_K {f16 d, dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]}      y = d·sc·(q4 + 16·hbit) - dmin·m
 *   Q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}            y = d·sc·(q6 - 32)
 */
import { half } from './half';

const f = Math.fround;

/** Q4_K/Q5_K's 6-bit scale and min of sub-block j (ggml's get_scale_min_k4), written into `sm`. */
function scaleMin(j: number, s: Uint8Array, p: number, sm: Int32Array): void {
  if (j < 4) {
    sm[0] = s[p + j] & 63;
    sm[1] = s[p + j + 4] & 63;
  } else {
    sm[0] = (s[p + j + 4] & 0xf) | ((s[p + j - 4] >> 6) << 4);
    sm[1] = (s[p + j + 4] >> 4) | ((s[p + j] >> 6) << 4);
  }
}

/** Q3_K's 16 signed 6-bit scales (ggml's kmask shuffle of 12 bytes), written into `out`. */
function q3Scales(s: Uint8Array, p: number, out: Int32Array): void {
  for (let i = 0; i < 16; i++) {
    const low = i < 8 ? (s[p + (i & 7)] >> 0) & 15 : (s[p + (i & 7)] >> 4) & 15;
    const high = (s[p + 8 + (i & 3)] >> (2 * (i >> 2))) & 3;
    out[i] = (low | (high << 4)) - 32;
  }
}

/** Decodes `blocks` super-blocks of `typeId` from `src` at byte `at` into `out` from `o`. */
export function dequantizeKQuants(typeId: number, src: Uint8Array, at: number, blocks: number, out: Float32Array, o: number): void {
  const h = (p: number) => half(src[p] | (src[p + 1] << 8));
  const sm = new Int32Array(2);
  const sc3 = new Int32Array(16);
  for (let b = 0; b < blocks; b++, o += 256) {
    switch (typeId) {
      case 10: {
        const p = at + b * 84;
        const d = h(p + 80);
        const dmin = h(p + 82);
        let y = o;
        let is = 0;
        for (let n = 0; n < 2; n++) {
          const q = p + 16 + n * 32;
          for (let shift = 0; shift < 8; shift += 2) {
            for (let half16 = 0; half16 < 2; half16++) {
              const sc = src[p + is++];
              const dl = f(d * (sc & 15));
              const ml = f(dmin * (sc >> 4));
              for (let l = 0; l < 16; l++) out[y++] = f(dl * ((src[q + l + 16 * half16] >> shift) & 3)) - ml;
            }
          }
        }
        break;
      }
      case 11: {
        const p = at + b * 110;
        const d = h(p + 108);
        q3Scales(src, p + 96, sc3);
        let y = o;
        let is = 0;
        let m = 1;
        for (let n = 0; n < 2; n++) {
          const q = p + 32 + n * 32;
          for (let shift = 0; shift < 8; shift += 2, m <<= 1) {
            for (let half16 = 0; half16 < 2; half16++) {
              const dl = f(d * sc3[is++]);
              for (let l = 0; l < 16; l++) {
                const k = l + 16 * half16;
                out[y++] = dl * (((src[q + k] >> shift) & 3) - (src[p + k] & m ? 0 : 4));
              }
            }
          }
        }
        break;
      }
      case 12:
      case 13: {
        const five = typeId === 13;
        const p = at + b * (five ? 176 : 144);
        const d = h(p);
        const dmin = h(p + 2);
        const qh = p + 16;
        let q = p + (five ? 48 : 16);
        let y = o;
        for (let j = 0, is = 0, u1 = 1, u2 = 2; j < 4; j++, is += 2, q += 32, u1 <<= 2, u2 <<= 2) {
          scaleMin(is, src, p + 4, sm);
          const d1 = f(d * sm[0]);
          const m1 = f(dmin * sm[1]);
          scaleMin(is + 1, src, p + 4, sm);
          const d2 = f(d * sm[0]);
          const m2 = f(dmin * sm[1]);
          for (let l = 0; l < 32; l++) out[y++] = f(d1 * ((src[q + l] & 15) + (five && src[qh + l] & u1 ? 16 : 0))) - m1;
          for (let l = 0; l < 32; l++) out[y++] = f(d2 * ((src[q + l] >> 4) + (five && src[qh + l] & u2 ? 16 : 0))) - m2;
        }
        break;
      }
      case 14: {
        const p = at + b * 210;
        const d = h(p + 208);
        for (let n = 0; n < 2; n++) {
          const ql = p + n * 64;
          const qh = p + 128 + n * 32;
          const sc = p + 192 + n * 8;
          const y = o + n * 128;
          for (let l = 0; l < 32; l++) {
            const is = l >> 4;
            const q1 = ((src[ql + l] & 15) | (((src[qh + l] >> 0) & 3) << 4)) - 32;
            const q2 = ((src[ql + l + 32] & 15) | (((src[qh + l] >> 2) & 3) << 4)) - 32;
            const q3 = ((src[ql + l] >> 4) | (((src[qh + l] >> 4) & 3) << 4)) - 32;
            const q4 = ((src[ql + l + 32] >> 4) | (((src[qh + l] >> 6) & 3) << 4)) - 32;
            const s = (k: number) => f(d * ((src[sc + is + k] << 24) >> 24));
            out[y + l] = s(0) * q1;
            out[y + l + 32] = s(2) * q2;
            out[y + l + 64] = s(4) * q3;
            out[y + l + 96] = s(6) * q4;
          }
        }
        break;
      }
      default:
        throw new RangeError(`dequantizeKQuants: ggml type ${typeId} is not a K-quant`);
    }
  }
}
