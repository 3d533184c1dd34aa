/**
 * Packed-weight kernels in WebAssembly SIMD (cpu/wasm/quant-kernels.wat) for q4_0, q4_1, q5_0, q5_1, q8_0, q4_k,
 * q5_k and q6_k, the rest through the TypeScript kernels. Activations are quantized to 16 bits per block of 32
 * (x ≈ xd · xq, xd = max|x| / 32767, |x - xd·xq| ≤ xd/2), weight codes times xq are exact integer dot products
 * (i32x4.dot_i16x8_s), one float multiply per block; so y differs from the exact float product by at most
 * Σ_blocks xd/2 · Σ|w| plus float32 rounding (the bound the tests hold it to). NOTE: llama.cpp quantizes
 * activations to 8 bits; on r42m its 8-bit rounding changed a greedy id (a near-tie) against llama.cpp's own
 * run, while 16 bits cost the same here (the kernels widen activations to i16 either way) and track the float
 * result.
 *
 * The kernels keep no memory of their own: `onHeap` instantiates them on a CPU backend's heap, where the
 * backend put the weight at upload, and they read it there in place (the backend splits the rows over its
 * threads). `matmul`, for a weight outside any CPU backend (another backend's fallback, a direct call), copies
 * the operands into a working heap for the call and frees them after.
 */
import { weightBlock, weightByteLength, type WeightDType } from '../dtype';
import { instantiateQuantKernels, QUANT_KERNEL_TYPES, QUANT_SCRATCH_BYTES, quantKernelsModule, quantScratchBytes, type QuantKernels } from '../cpu/wasm/quant-kernels';
import { Heap } from '../cpu/heap/heap';
import type { HeapWeightKernels, PackedWeight, WeightKernels } from '../weights/weight-kernels';
import { jsWeightKernels } from './weight-kernels-js';
import { Q6K_SPLIT, Q6K_SPLIT_TYPE, q6kSplitLayout } from './q6k-split-layout';

/** ggml type ids the WebAssembly kernel multiplies in ggml's blocks (q6_k: in its split layout). */
const WASM_TYPES = new Set(QUANT_KERNEL_TYPES);

/** Whether the WebAssembly kernel multiplies W [n, k] of `dtype` (q6_k once written in its split layout). */
function covers(dtype: WeightDType, k: number): boolean {
  return (dtype === 'q6_k' || WASM_TYPES.has(weightBlock(dtype).ggmlType)) && quantScratchBytes(k) <= QUANT_SCRATCH_BYTES;
}

/** The quant kernels bound to one heap, in the CPU backend's terms. */
function heapKernels(kernels: QuantKernels, module: WebAssembly.Module): HeapWeightKernels {
  return {
    module,
    kernel: 'qmatmul',
    // a heap weight is read in place: q6_k only in the split layout its upload wrote (else WeightKernels.matmul)
    covers: (dtype, k, layout) => covers(dtype, k) && (dtype !== 'q6_k' || layout === Q6K_SPLIT),
    // xq int16 [m, k] | xd float32 [m·k/32] | xs int32 [m·k/32]
    activationBytes: (m: number, k: number) => m * k * 2 + (m * k / 32) * 8,
    prepare(w: PackedWeight, x: number, m: number, act: number, y: number): readonly number[] {
      const { rows: n, cols: k, dtype } = w;
      const xd = act + m * k * 2;
      const xs = xd + (m * k / 32) * 4;
      kernels.quantizeActivations(x, act, xd, xs, m, k);
      const kb = k / weightBlock(dtype).elements;
      const type = w.layout === Q6K_SPLIT ? Q6K_SPLIT_TYPE : weightBlock(dtype).ggmlType;
      return [type, w.address!.ptr, n, weightByteLength(dtype, k), kb, k, act, xd, xs, m, y];
    },
    run(args: readonly number[], scratch: number, begin: number, end: number): void {
      const [type, w, n, rowBytes, kb, k, xq, xd, xs, m, y] = args;
      if (kernels.qmatmul(type, w, n, rowBytes, kb, k, xq, xd, xs, m, y, scratch, begin, end) !== 0) {
        throw new Error(`qmatmul: ggml type ${type} has no WebAssembly kernel`);
      }
    },
  };
}

/** The WebAssembly packed-weight kernels, or null where WebAssembly SIMD is unavailable. */
export function createWasmWeightKernels(): WeightKernels | null {
  try {
    quantKernelsModule(false);
  } catch {
    return null; // no SIMD, or a Content-Security-Policy that forbids compiling WebAssembly
  }
  let working: { heap: Heap; kernels: HeapWeightKernels; scratch: number } | null = null;

  return {
    onHeap(memory, shared) {
      try {
        return heapKernels(instantiateQuantKernels(memory, shared), quantKernelsModule(shared));
      } catch {
        return null;
      }
    },
    matmul(x, m, w, out) {
      const { rows: n, cols: k } = w;
      if (!covers(w.dtype, k)) return jsWeightKernels.matmul(x, m, w, out);
      if (working === null) {
        const heap = new Heap({ shared: false });
        working = { heap, kernels: heapKernels(instantiateQuantKernels(heap.memory, false), quantKernelsModule(false)), scratch: heap.alloc(QUANT_SCRATCH_BYTES) };
      }
      const { heap, kernels, scratch } = working;
      // q6_k in ggml's blocks is written in the split layout its kernel reads
      const split = w.dtype === 'q6_k' && w.layout !== Q6K_SPLIT ? q6kSplitLayout(n, k) : null;
      const sizes = [split?.bytes ?? w.bytes.byteLength, m * k * 4, kernels.activationBytes(m, k), m * n * 4];
      const [wAt, xAt, act, yAt] = sizes.map((bytes) => heap.alloc(bytes));
      try {
        // `heap.u8` after the allocations: they may have grown (and replaced) the memory
        if (split) split.write(w.bytes, heap.u8.subarray(wAt, wAt + split.bytes));
        else heap.u8.set(w.bytes, wAt);
        heap.f32.set(x.subarray(0, m * k), xAt / 4);
        const layout = split?.name ?? w.layout;
        const args = kernels.prepare({ ...w, layout, address: { memory: heap.memory, ptr: wAt } }, xAt, m, act, yAt);
        kernels.run(args, scratch, 0, n);
        out.set(heap.f32.subarray(yAt / 4, yAt / 4 + m * n));
      } finally {
        [wAt, xAt, act, yAt].forEach((at, i) => heap.free(at, sizes[i]));
      }
    },
    // q6_k in the split layout (q6k-split-layout.ts), which its kernel reads without assembling codes
    layout: (dtype, rows, cols) => (dtype === 'q6_k' && covers(dtype, cols) ? q6kSplitLayout(rows, cols) : null),
    gatherRows: (w, ids, out) => jsWeightKernels.gatherRows(w, ids, out),
    dequantize: (w) => jsWeightKernels.dequantize(w),
    release() {
      // nothing held: a weight's bytes are its backend's (a CPU backend frees its heap block on dispose)
    },
  };
}
