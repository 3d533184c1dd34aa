/**
 * The packed-weight kernels in plain TypeScript: each weight row is decoded once into a float32 scratch row
 * (exactly as ggml decodes it) and dotted with every input row, so a prompt of m rows decodes the weight once.
 * The WebAssembly kernels stand in for `matmul` where they cover the dtype; these are the reference they are
 * tested against and the fallback for the rest.
 */
import { weightBlock, weightByteLength } from '../dtype';
import { dequantizeGgmlInto } from '../formats/gguf/dequantize-ggml';
import type { PackedWeight, WeightKernels } from '../weights/weight-kernels';
import { ggmlQ6KRows, Q6K_SPLIT } from './q6k-split-layout';

/** ggml's bytes of the rows [r0, r1) of `w` (a view, or rebuilt from a backend's layout). */
function ggmlRows(w: PackedWeight, r0: number, r1: number): Uint8Array {
  if (w.layout === Q6K_SPLIT) return ggmlQ6KRows(w.bytes, w.rows, w.cols, r0, r1);
  if (w.layout !== undefined) throw new Error(`${w.dtype} weight: its layout '${w.layout}' is not one these kernels read`);
  const rowBytes = weightByteLength(w.dtype, w.cols);
  return w.bytes.subarray(r0 * rowBytes, r1 * rowBytes);
}

/** Decodes row `r` of `w` into `out` at `o`. */
export function decodeRow(w: PackedWeight, r: number, out: Float32Array, o: number): void {
  dequantizeGgmlInto(ggmlRows(w, r, r + 1), weightBlock(w.dtype).ggmlType, w.cols, out, o, `${w.dtype} weight row ${r}`);
}

/**
 * The TypeScript packed-weight kernels (decode a row, then dot).
 *
 * @example
 * ```ts
 * import { jsWeightKernels } from '@transformer-kit/tensor/quant';
 * import { quantizeQ8_0 } from '@transformer-kit/tensor';
 * const w = { dtype: 'q8_0' as const, bytes: quantizeQ8_0(new Float32Array(32).fill(127)), rows: 1, cols: 32 };
 * const out = new Float32Array(1);
 * jsWeightKernels.matmul(new Float32Array(32).fill(1), 1, w, out);
 * console.log(out[0]); // 4064
 * ```
 */
export const jsWeightKernels: WeightKernels = {
  matmul(x, m, w, out) {
    const { rows: n, cols: k } = w;
    const row = new Float32Array(k);
    for (let j = 0; j < n; j++) {
      decodeRow(w, j, row, 0);
      for (let i = 0; i < m; i++) {
        let s = 0;
        const xo = i * k;
        for (let c = 0; c < k; c++) s += x[xo + c] * row[c];
        out[i * n + j] = s;
      }
    }
  },
  gatherRows(w, ids, out) {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= w.rows) throw new RangeError(`gather: index ${id} is out of range for a ${w.dtype} table of ${w.rows} rows`);
      decodeRow(w, id, out, i * w.cols);
    }
  },
  dequantize(w) {
    const out = new Float32Array(w.rows * w.cols);
    dequantizeGgmlInto(ggmlRows(w, 0, w.rows), weightBlock(w.dtype).ggmlType, w.rows * w.cols, out, 0, `${w.dtype} weight`);
    return out;
  },
  release() {},
};
