/**
 * Packed-weight kernels in WebAssembly SIMD (cpu/wasm/quant-kernels.wat) for q4_0, q4_1, q5_0, q5_1, q8_0, q4_k,
 * q5_k and q6_k, the rest through the TypeScript kernels. Activations are quantized to 16 bits per block of 32
 * (x ≈ xd · xq, xd = max|x| / 32767, |x - xd·xq| ≤ xd/2), weight codes times xq are exact integer dot products
 * (i32x4.dot_i16x8_s), one float multiply per block; so y differs from the exact float product by at most
 * Σ_blocks xd/2 · Σ|w| plus float32 rounding (the bound the tests hold it to). NOTE: llama.cpp quantizes activations to 8 bits; on r42m its
 * 8-bit rounding changed a greedy id (a near-tie) against llama.cpp's own run, while 16 bits cost the same
 * here (the kernels widen activations to i16 either way) and track the float result.
 *
 * Until the CPU backend's heap hosts them, the kernels run on a memory of their own: a weight is adopted at
 * upload (its bytes copied there and `bytes` made a view of the copy, afresh on each read since growth replaces
 * the buffer), so the file it came from can be freed.
 */
import { weightBlock, weightByteLength } from '../dtype';
import { instantiateQuantKernels, QUANT_KERNEL_TYPES, QUANT_SCRATCH_BYTES, quantScratchBytes, type QuantKernels } from '../cpu/wasm/quant-kernels';
import type { PackedWeight, WeightKernels } from '../weights/weight-kernels';
import { WasmHeap } from './wasm-heap';
import { jsWeightKernels } from './weight-kernels-js';

/** ggml type ids the WebAssembly kernel multiplies. */
const WASM_TYPES = new Set(QUANT_KERNEL_TYPES);

/** The WebAssembly packed-weight kernels, or null where WebAssembly SIMD is unavailable. */
export function createWasmWeightKernels(): WeightKernels | null {
  let kernels: QuantKernels;
  const memory = new WebAssembly.Memory({ initial: 8, maximum: 65536 });
  try {
    kernels = instantiateQuantKernels(memory, false);
  } catch {
    return null;
  }
  const heap = new WasmHeap(memory, 0);
  const rowScratch = heap.alloc(QUANT_SCRATCH_BYTES);
  const adopted = new WeakMap<PackedWeight, { offset: number; bytes: number }>();
  // one scratch block for activations and results, kept between calls and grown when a call needs more (a
  // block per call would fragment the heap over a long generation)
  let scratch = { offset: 0, bytes: 0 };
  const scratchOf = (bytes: number): number => {
    if (bytes > scratch.bytes) {
      if (scratch.bytes) heap.free(scratch.offset, scratch.bytes);
      scratch = { offset: heap.alloc(bytes), bytes };
    }
    return scratch.offset;
  };

  const adopt = (w: PackedWeight): { offset: number; bytes: number } => {
    let block = adopted.get(w);
    if (block) return block;
    const bytes = w.bytes.byteLength;
    const offset = heap.alloc(bytes);
    new Uint8Array(memory.buffer, offset, bytes).set(w.bytes);
    block = { offset, bytes };
    adopted.set(w, block);
    // NOTE: the file's copy is dropped: from now on the bytes are read from this memory
    Object.defineProperty(w, 'bytes', { get: () => new Uint8Array(memory.buffer, offset, bytes), configurable: true });
    return block;
  };

  return {
    adopt,
    matmul(x, m, w, out) {
      const { ggmlType } = weightBlock(w.dtype);
      const { rows: n, cols: k } = w;
      if (!WASM_TYPES.has(ggmlType) || quantScratchBytes(k) > QUANT_SCRATCH_BYTES) return jsWeightKernels.matmul(x, m, w, out);
      const { offset } = adopt(w);
      const blocks = (m * k) / 32;
      const xAt = scratchOf(m * k * 4 + m * k * 2 + blocks * 8 + m * n * 4);
      const xqAt = xAt + m * k * 4;
      const xdAt = xqAt + m * k * 2;
      const xsAt = xdAt + blocks * 4;
      const yAt = xsAt + blocks * 4;
      new Float32Array(memory.buffer, xAt, m * k).set(x.subarray(0, m * k));
      kernels.quantizeActivations(xAt, xqAt, xdAt, xsAt, m, k);
      const kb = k / weightBlock(w.dtype).elements;
      kernels.qmatmul(ggmlType, offset, n, weightByteLength(w.dtype, k), kb, k, xqAt, xdAt, xsAt, m, yAt, rowScratch, 0, n);
      out.set(new Float32Array(memory.buffer, yAt, m * n));
    },
    gatherRows: (w, ids, out) => jsWeightKernels.gatherRows(w, ids, out),
    dequantize: (w) => jsWeightKernels.dequantize(w),
    release(w) {
      const block = adopted.get(w);
      if (block) heap.free(block.offset, block.bytes);
      adopted.delete(w);
    },
  };
}
