/**
 * Packed-weight kernels in WebAssembly SIMD (quant-kernels.wat) for q8_0, q4_k and q6_k, the rest through
 * the TypeScript kernels. Activations are quantized to 16 bits per block of 32 (x ≈ xd · xq, xd = max|x| / 32767,
 * |x - xd·xq| ≤ xd/2), weight codes times xq are exact integer dot products (i32x4.dot_i16x8_s), one float
 * multiply per block; so y differs from the exact float product by at most Σ_blocks xd/2 · Σ|w| plus float32
 * rounding (the bound the tests hold it to). NOTE: llama.cpp quantizes activations to 8 bits; on r42m its
 * 8-bit rounding changed a greedy id (a near-tie) against llama.cpp's own run, while 16 bits cost the same
 * here (the kernels widen activations to i16 either way) and track the float result.
 *
 * A weight is adopted at upload: its bytes are copied into this module's memory and `bytes` becomes a view
 * there (made afresh on each read, since growth replaces the buffer), so the file it came from can be freed.
 */
import { weightBlock, weightByteLength } from '../dtype';
import { half } from '../formats/gguf/half';
import { quantKernelsWasmBase64 } from '../cpu/wasm/quant-kernels-wasm';
import type { PackedWeight, WeightKernels } from '../weights/weight-kernels';
import { WasmHeap } from './wasm-heap';
import { jsWeightKernels } from './weight-kernels-js';

interface Exports {
  memory: WebAssembly.Memory;
  heapBase: WebAssembly.Global;
  matmul(type: number, w: number, n: number, rowBytes: number, kb: number, k: number, x: number, xd: number, xs: number, m: number, y: number): void;
}

/** ggml type ids the WebAssembly kernel multiplies. */
const WASM_TYPES = new Set([8, 12, 14]);

function decodeBase64(b64: string): Uint8Array {
  if (typeof atob === 'function') return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new Uint8Array((globalThis as unknown as { Buffer: { from(s: string, e: string): Uint8Array } }).Buffer.from(b64, 'base64'));
}

/** Round half to even (llama.cpp's nearest_int and its SIMD rounding). */
function roundEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The largest activation code: activations are quantized to 16 bits (int16), not llama.cpp's 8. */
export const ACTIVATION_MAX = 32767;

/**
 * Quantizes activations (a multiple of 32) to 16 bits per block of 32: x ≈ xd · xq with xd = max|x| / 32767,
 * xq = round(x / xd) (half to even), so |x - xd·xq| ≤ xd / 2. Writes xq, xd (per block) and xs (Σ xq per block,
 * for the K-quants' minimums).
 */
export function quantizeActivations(x: Float32Array, xq: Int16Array, xd: Float32Array, xs: Int32Array): void {
  for (let b = 0; b < xd.length; b++) {
    const o = b * 32;
    let amax = 0;
    for (let j = o; j < o + 32; j++) amax = Math.max(amax, Math.abs(x[j]));
    const d = Math.fround(amax / ACTIVATION_MAX);
    const id = d ? 1 / d : 0;
    let sum = 0;
    for (let j = o; j < o + 32; j++) {
      const q = Math.max(-ACTIVATION_MAX, Math.min(ACTIVATION_MAX, roundEven(x[j] * id)));
      xq[j] = q;
      sum += q;
    }
    xd[b] = d;
    xs[b] = sum;
  }
}

/** The WebAssembly packed-weight kernels, or null where WebAssembly SIMD is unavailable. */
export function createWasmWeightKernels(): WeightKernels | null {
  let exports: Exports;
  try {
    const module = new WebAssembly.Module(decodeBase64(quantKernelsWasmBase64) as BufferSource);
    exports = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
  } catch {
    return null;
  }
  // the f16 → f32 table the kernels read block scales through, at address 0
  const table = new Float32Array(exports.memory.buffer, 0, 65536);
  for (let h = 0; h < 65536; h++) table[h] = half(h);
  const heap = new WasmHeap(exports.memory, exports.heapBase.value as number);
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
    new Uint8Array(exports.memory.buffer, offset, bytes).set(w.bytes);
    block = { offset, bytes };
    adopted.set(w, block);
    // NOTE: the file's copy is dropped: from now on the bytes are read from this memory
    Object.defineProperty(w, 'bytes', { get: () => new Uint8Array(exports.memory.buffer, offset, bytes), configurable: true });
    return block;
  };

  return {
    adopt,
    matmul(x, m, w, out) {
      const { ggmlType } = weightBlock(w.dtype);
      if (!WASM_TYPES.has(ggmlType)) return jsWeightKernels.matmul(x, m, w, out);
      const { offset } = adopt(w);
      const { rows: n, cols: k } = w;
      const blocks = (m * k) / 32;
      const scratchBytes = m * k * 2 + blocks * 8 + m * n * 4;
      const xqAt = scratchOf(scratchBytes);
      const xdAt = xqAt + m * k * 2;
      const xsAt = xdAt + blocks * 4;
      const yAt = xsAt + blocks * 4;
      const buf = exports.memory.buffer;
      quantizeActivations(x.subarray(0, m * k), new Int16Array(buf, xqAt, m * k), new Float32Array(buf, xdAt, blocks), new Int32Array(buf, xsAt, blocks));
      const kb = k / weightBlock(w.dtype).elements;
      exports.matmul(ggmlType, offset, n, weightByteLength(w.dtype, k), kb, k, xqAt, xdAt, xsAt, m, yAt);
      out.set(new Float32Array(exports.memory.buffer, yAt, m * n));
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
