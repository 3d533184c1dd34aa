/**
 * A typed view of quant-kernels.wat: quantized-weight × activation kernels that import the CPU backend's heap
 * (one `WebAssembly.Memory`) and read everything in place. All pointers are byte offsets into that memory.
 */
import { quantKernelsWasmHex, quantKernelsWasmUnsharedPatch } from './quant-kernels-wasm';
import { wasmBytes } from './wasm-bytes';

/** The exports of quant-kernels.wat. */
export interface QuantKernels {
  /**
   * y [m, n] = x [m, k] · Wᵀ for the weight rows (outputs) j in [begin, end) of W [n, k], ggml type `type`
   * (one of {@link QUANT_KERNEL_TYPES}), `rowBytes` bytes per row, `kb` blocks per row. `x`, `xd`, `xs` are
   * the activations as {@link QuantKernels.quantizeActivations} wrote them for the same m and k. `scratch` is
   * this thread's {@link QUANT_SCRATCH_BYTES} bytes (rows longer than {@link quantScratchBytes} allows cannot be
   * multiplied here). Returns 0, or -1 for a type it does not multiply.
   */
  qmatmul(type: number, w: number, n: number, rowBytes: number, kb: number, k: number, x: number, xd: number, xs: number, m: number, y: number, scratch: number, begin: number, end: number): number;
  /**
   * x [m, k] float32 (k a multiple of 32) → xq [m, k] int16, xd [m, k/32] float32, xs [m, k/32] int32: per
   * 32-block xd = max|x| / 32767, xq = round(x / xd) half to even (so |x - xd·xq| ≤ xd/2) and xs = Σ xq.
   */
  quantizeActivations(x: number, xq: number, xd: number, xs: number, m: number, k: number): void;
}

/**
 * ggml type ids `qmatmul` multiplies in ggml's own blocks: q4_0, q4_1, q5_0, q5_1, q8_0, q4_k, q5_k. q6_k it multiplies
 * in its split layout only (type `Q6K_SPLIT_TYPE`, quant/q6k-split-layout.ts), which the quant entry writes from ggml's bytes.
 */
export const QUANT_KERNEL_TYPES: readonly number[] = [2, 3, 6, 7, 8, 12, 13];

/** The largest activation code (16-bit activations). */
export const ACTIVATION_MAX = 32767;

/** The scratch `qmatmul` takes per thread: the heap contract's SCRATCH_BYTES (256 KiB). */
export const QUANT_SCRATCH_BYTES = 262144;

/**
 * Bytes of one weight row of length k unpacked in scratch (k int16 codes and a scale and an offset per
 * 32-block): `qmatmul` needs this to be at most {@link QUANT_SCRATCH_BYTES}.
 *
 * @example
 * ```ts
 * import { quantScratchBytes } from '@transformer-kit/tensor/quant';
 * console.log(quantScratchBytes(512)); // 1152
 * ```
 */
export function quantScratchBytes(k: number): number {
  return 2 * k + (k / 32) * 8;
}

const compiled = new Map<boolean, WebAssembly.Module>();

/**
 * The compiled module (cached), importing `env.memory` shared (`shared: true`) or not: workers instantiate
 * the same module on the same memory.
 *
 * @example
 * ```ts
 * import { quantKernelsModule } from '@transformer-kit/tensor/quant';
 * console.log(WebAssembly.Module.exports(quantKernelsModule(false)).map((e) => e.name)); // [ 'qmatmul', 'quantizeActivations' ]
 * ```
 */
export function quantKernelsModule(shared: boolean): WebAssembly.Module {
  let module = compiled.get(shared);
  if (!module) {
    module = new WebAssembly.Module(wasmBytes(quantKernelsWasmHex, shared, quantKernelsWasmUnsharedPatch));
    compiled.set(shared, module);
  }
  return module;
}

/**
 * The quantized kernels instantiated on `memory` (a shared memory needs `shared: true`).
 *
 * @example
 * ```ts
 * import { instantiateQuantKernels } from '@transformer-kit/tensor/quant';
 * const memory = new WebAssembly.Memory({ initial: 5, maximum: 65536 });
 * const q = instantiateQuantKernels(memory, false);
 * // one q8_0 row [1, 32] (d = 1 as f16 0x3c00, codes 0..31) times x = 1: Σ codes = 496
 * const bytes = new Uint8Array(memory.buffer);
 * bytes.set([0x00, 0x3c, ...Array.from({ length: 32 }, (_, i) => i)], 0);
 * new Float32Array(memory.buffer, 64, 32).fill(1);
 * q.quantizeActivations(64, 192, 256, 320, 1, 32); // xq at 192, xd at 256, xs at 320
 * q.qmatmul(8, 0, 1, 34, 1, 32, 192, 256, 320, 1, 384, 65536, 0, 1); // scratch: 256 KiB at 64 KiB
 * console.log(new Float32Array(memory.buffer, 384, 1)[0]); // 496
 * ```
 */
export function instantiateQuantKernels(memory: WebAssembly.Memory, shared: boolean): QuantKernels {
  return new WebAssembly.Instance(quantKernelsModule(shared), { env: { memory } }).exports as unknown as QuantKernels;
}
