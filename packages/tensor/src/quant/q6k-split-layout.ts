/**
 * q6_k's split layout: how a CPU backend holds a q6_k weight, so the decode kernel reads each 6-bit code with
 * one load instead of putting it together from ggml's ql (low 4 bits) and qh (high 2 bits) for every weight
 * (that assembly was 43% of the fused q6_k kernel's time, and q6_k's output.weight alone ~35% of r42m-Q4_K_M's
 * decode step). W [rows, cols], kb = cols / 256 super-blocks per row:
 *
 *   i8  codes  [rows, cols]     q - 32 = -32 … 31, in element order (ggml's value is d · sc · (q - 32))
 *   i8  scales [rows, cols/16]  ggml's sc, one per 16 values
 *   f16 d      [rows, kb]       ggml's d, its bits
 *
 * 274 bytes per super-block (ggml's: 210). Signed codes: the kernel neither subtracts an offset nor spends
 * more than a sign extension per 8 codes. It holds exactly ggml's codes, scales and d bits, so
 * {@link ggmlQ6KRows} gives back ggml's bytes, and every read of the weight (readSync, gather, another
 * backend's dequantize) decodes those with ggml's rule.
 */
import type { HeapLayout } from '../weights/weight-kernels';

/**
 * The layout's name (a `PackedWeight.layout`).
 *
 * @example
 * ```ts
 * import { Q6K_SPLIT, q6kSplitLayout } from '@transformer-kit/tensor/quant';
 * console.log(q6kSplitLayout(1, 256).name === Q6K_SPLIT); // true
 * ```
 */
export const Q6K_SPLIT = 'q6_k/split';

/**
 * The layout's type id for quant-kernels.wat's `qmatmul` (ggml's ids end at 39; this is q6_k's 14 + 256).
 *
 * @example
 * ```ts
 * import { Q6K_SPLIT_TYPE, QUANT_KERNEL_TYPES } from '@transformer-kit/tensor/quant';
 * console.log(QUANT_KERNEL_TYPES.includes(Q6K_SPLIT_TYPE)); // false: a layout, not a ggml type
 * ```
 */
export const Q6K_SPLIT_TYPE = 270;

/** ggml's q6_k super-block: u8 ql[128], u8 qh[64], i8 scales[16], f16 d. */
const BLOCK = 210;

/**
 * The split layout of a q6_k weight [rows, cols], for a backend to hold it in.
 *
 * @example
 * ```ts
 * import { q6kSplitLayout } from '@transformer-kit/tensor/quant';
 * console.log(q6kSplitLayout(2, 256).bytes); // 548
 * ```
 */
export function q6kSplitLayout(rows: number, cols: number): HeapLayout {
  const kb = cols / 256;
  return { name: Q6K_SPLIT, bytes: rows * kb * 274, write: (src, dst) => convert(src, dst, rows * kb, 0, rows * kb, true) };
}

/**
 * Converts the super-blocks [b0, b1) of a weight of `blocks` super-blocks between ggml's bytes (`ggml`, super-block
 * b at (b - b0) · 210) and the split layout (`split`, all of it): into `split` when `toSplit`, else into `ggml`.
 * NOTE: byte by byte, no subarray views: a view per super-block (78k for r42m) grew V8's young generation by
 * ~4 MB that stayed resident after the load.
 */
function convert(ggml: Uint8Array, split: Uint8Array, blocks: number, b0: number, b1: number, toSplit: boolean): void {
  const scales = blocks * 256;
  const ds = scales + blocks * 16;
  for (let b = b0; b < b1; b++) {
    const s = (b - b0) * BLOCK;
    for (let n = 0; n < 2; n++) {
      const ql = s + n * 64;
      const qh = s + 128 + n * 32;
      const o = b * 256 + n * 128;
      for (let l = 0; l < 32; l++) {
        if (toSplit) {
          const a = ggml[ql + l];
          const c = ggml[ql + l + 32];
          const h = ggml[qh + l];
          split[o + l] = ((a & 15) | ((h & 3) << 4)) - 32;
          split[o + l + 32] = ((c & 15) | (((h >> 2) & 3) << 4)) - 32;
          split[o + l + 64] = ((a >> 4) | (((h >> 4) & 3) << 4)) - 32;
          split[o + l + 96] = ((c >> 4) | (((h >> 6) & 3) << 4)) - 32;
        } else {
          const q1 = (split[o + l] + 32) & 63;
          const q2 = (split[o + l + 32] + 32) & 63;
          const q3 = (split[o + l + 64] + 32) & 63;
          const q4 = (split[o + l + 96] + 32) & 63;
          ggml[ql + l] = (q1 & 15) | ((q3 & 15) << 4);
          ggml[ql + l + 32] = (q2 & 15) | ((q4 & 15) << 4);
          ggml[qh + l] = (q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6);
        }
      }
    }
    // the 16 scales and d's two bytes
    for (let i = 0; i < 18; i++) {
      const at = i < 16 ? scales + b * 16 + i : ds + 2 * b + i - 16;
      if (toSplit) split[at] = ggml[s + 192 + i];
      else ggml[s + 192 + i] = split[at];
    }
  }
}

/**
 * ggml's q6_k bytes of the rows [r0, r1) of a weight [rows, cols] held in the split layout (`bytes`).
 *
 * @example
 * ```ts
 * import { ggmlQ6KRows, q6kSplitLayout } from '@transformer-kit/tensor/quant';
 * const ggml = new Uint8Array(210).map((_, i) => (i * 37) & 255);
 * const split = new Uint8Array(274);
 * q6kSplitLayout(1, 256).write(ggml, split);
 * console.log(ggmlQ6KRows(split, 1, 256, 0, 1).every((v, i) => v === ggml[i])); // true
 * ```
 */
export function ggmlQ6KRows(bytes: Uint8Array, rows: number, cols: number, r0: number, r1: number): Uint8Array {
  const kb = cols / 256;
  const out = new Uint8Array((r1 - r0) * kb * BLOCK);
  convert(out, bytes, rows * kb, r0 * kb, r1 * kb, false);
  return out;
}
