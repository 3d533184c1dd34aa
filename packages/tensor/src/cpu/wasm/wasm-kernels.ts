import type { FusedAttentionOptions } from '../../backend';
import type { Shape } from '../../shape';
import { writeSliceKernel } from '../layout-kernels';
import { kernelsWasmBase64 } from './kernels-wasm';

/** Limits of the CPU backend's WebAssembly kernels. */
export interface WasmKernelsOptions {
  /** Copies of arrays (weights, KV caches) kept in WebAssembly memory, at most this many bytes (default 512 MiB). */
  maxMirrorBytes?: number;
  /** An array is copied to WebAssembly memory on its n-th use (default 2; 1 = at once, as the tests run it). */
  mirrorOnUse?: number;
}

const PAGE = 65536;
/** Matrices smaller than this many elements stay on the JavaScript kernel (the copies in and out dominate). */
const MIN_GEMV_ELEMENTS = 1024;

interface Block {
  offset: number;
  bytes: number;
}

interface Exports {
  memory: WebAssembly.Memory;
  gemv(x: number, w: number, y: number, n: number, k: number): void;
  attend(q: number, k: number, v: number, visible: number, headDim: number, scores: number, acc: number, out: number): number;
  /** Where the blocks may start: the kernels keep their constants below it. */
  heapBase: WebAssembly.Global;
}

/**
 * The CPU backend's WebAssembly kernels (kernels.wat): one row times a weight matrix (SIMD) and attention
 * over a KV cache, both in float64 like the JavaScript kernels they stand in for.
 *
 * WebAssembly reads only its own memory, so the long-lived operand (a weight, a KV cache) is copied there
 * and the copy kept (a mirror) for the next call with the same Float32Array: a decode step multiplies one
 * row by the same weights, and attends over the same cache, every token. An array is mirrored on its
 * `mirrorOnUse`-th use (a one-off operand is not worth the copy); writes into it (`write`, the KV cache's
 * append) go to the mirror too, and `forget` drops the mirror when the array is freed. Each call copies the
 * small operands (one row, the queries) in and the result out.
 *
 * @example
 * ```ts
 * // the kernels are the CPU backend's (internal); they are configured and observed through the backend
 * import { CpuBackend, matmul, setBackend, tensor } from '@transformer-kit/tensor';
 * const cpu = new CpuBackend({ wasm: { maxMirrorBytes: 1 << 24 } });
 * setBackend(cpu);
 * const w = tensor(new Float32Array(64 * 64).fill(0.5), [64, 64]); // a weight [n, k]
 * const x = tensor(new Float32Array(64).fill(1), [1, 64]);
 * matmul(x, w, { transposeB: true }).dispose(); // first use: the JavaScript kernel
 * const y = matmul(x, w, { transposeB: true }); // second: w is copied to WebAssembly memory and used there
 * console.log(y.dataSync()[0], cpu.wasmMirrorBytes()); // 32 16384
 * ```
 */
export class WasmKernels {
  readonly #exports: Exports;
  readonly #maxMirrorBytes: number;
  readonly #mirrorOnUse: number;
  readonly #mirrors = new Map<Float32Array, Block>();
  readonly #uses = new WeakMap<Float32Array, number>();
  #free: Block[] = []; // freed blocks, reused first-fit
  #top: number; // end of the allocated part of memory
  #io: Block = { offset: 0, bytes: 0 }; // scratch for the per-call operands and results
  #mirrorBytes = 0;
  // views over the whole memory, made again when it grows (growing detaches the old buffer): no view per call
  #f32: Float32Array;
  #f64: Float64Array;

  private constructor(instance: WebAssembly.Instance, options: WasmKernelsOptions) {
    this.#exports = instance.exports as unknown as Exports;
    this.#maxMirrorBytes = options.maxMirrorBytes ?? 512 * 1024 * 1024;
    this.#mirrorOnUse = options.mirrorOnUse ?? 2;
    this.#top = this.#exports.heapBase.value as number; // the kernels' constants sit below it
    this.#f32 = new Float32Array(this.#exports.memory.buffer);
    this.#f64 = new Float64Array(this.#exports.memory.buffer);
  }

  /** The kernels, or null where WebAssembly or its SIMD extension is missing (the caller keeps its own kernels). */
  static create(options: WasmKernelsOptions = {}): WasmKernels | null {
    if (typeof WebAssembly !== 'object' || typeof atob !== 'function') return null;
    const bytes = Uint8Array.from(atob(kernelsWasmBase64), (c) => c.charCodeAt(0));
    if (!WebAssembly.validate(bytes)) return null; // no SIMD
    try {
      return new WasmKernels(new WebAssembly.Instance(new WebAssembly.Module(bytes), {}), options);
    } catch {
      return null; // e.g. a page whose Content-Security-Policy forbids compiling WebAssembly
    }
  }

  /**
   * y[yOff + j] = Σ_p x[xOff + p] · w[j·k + p] for j < n, when `w` (exactly [n, k]) is worth running here;
   * returns false (and touches nothing) when the caller should use its own kernel.
   */
  multiply(x: Float32Array, w: Float32Array, y: Float32Array, n: number, k: number, xOff = 0, yOff = 0): boolean {
    if (w.length !== n * k || n * k < MIN_GEMV_ELEMENTS) return false;
    const mirror = this.#mirrorOf(w);
    if (mirror === null) return false;
    const xAt = this.#scratch(8 * k + 4 * n);
    const yAt = xAt + 8 * k;
    const f64 = this.#f64;
    const x0 = xAt / 8;
    for (let p = 0; p < k; p++) f64[x0 + p] = x[xOff + p];
    this.#exports.gemv(xAt, mirror.offset, yAt, n, k);
    const f32 = this.#f32;
    const y0 = yAt / 4;
    for (let j = 0; j < n; j++) y[yOff + j] = f32[y0 + j];
    return true;
  }

  /**
   * The fused attention kernel's contract (see attention-kernel.ts) over mirrored k and v — a KV cache —
   * writing into `out`; returns false (and touches nothing) when k or v is not (yet) mirrored here.
   */
  attention(q: Float32Array, qShape: Shape, k: Float32Array, v: Float32Array, kvShape: Shape, options: FusedAttentionOptions, out: Float32Array): boolean {
    const kMirror = this.#mirrorOf(k);
    const vMirror = kMirror && this.#mirrorOf(v);
    if (!kMirror || !vMirror) return false;
    const [batch, heads, seqQ, headDim] = qShape;
    const [, kvHeads, kvCap] = kvShape;
    const { causal, queryOffset, kvLength, scale } = options;
    const group = heads / kvHeads;
    // scratch: q (float64, scaled) | out (float32) | scores (float64 [kvLength + 1]) | acc (float64 [headDim])
    const qAt = this.#scratch(8 * q.length + 4 * q.length + 8 * (kvLength + 1) + 8 * headDim);
    const outAt = qAt + 8 * q.length;
    const scoresAt = outAt + 4 * q.length;
    const accAt = scoresAt + 8 * (kvLength + 1);
    const f64 = this.#f64;
    const f32 = this.#f32;
    const q0 = qAt / 8;
    const out0 = outAt / 4;
    for (let i = 0; i < q.length; i++) f64[q0 + i] = q[i] * scale;
    const rowBytes = 4 * headDim;
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < heads; h++) {
        const kvRow = (b * kvHeads + Math.floor(h / group)) * kvCap * rowBytes;
        for (let i = 0; i < seqQ; i++) {
          const row = ((b * heads + h) * seqQ + i) * headDim;
          const visible = causal ? Math.max(0, Math.min(kvLength, queryOffset + i + 1)) : kvLength;
          const attended =
            visible > 0 &&
            this.#exports.attend(qAt + 8 * row, kMirror.offset + kvRow, vMirror.offset + kvRow, visible, headDim, scoresAt, accAt, outAt + 4 * row) === 1;
          if (!attended) f32.fill(0, out0 + row, out0 + row + headDim); // attends nowhere: zeros, as the JavaScript kernel
        }
      }
    }
    for (let i = 0; i < q.length; i++) out[i] = f32[out0 + i];
    return true;
  }

  /** Mirrors a write into `target` (writeSlice's contract), so its copy here stays current. */
  write(target: Float32Array, targetShape: Shape, value: Float32Array, valueShape: Shape, begin: readonly number[]): void {
    const mirror = this.#mirrors.get(target);
    if (mirror === undefined) return;
    writeSliceKernel(this.#f32, targetShape, value, valueShape, begin, mirror.offset / 4);
  }

  /** Drops the mirror of `array` (it is being freed). */
  forget(array: Float32Array): void {
    this.#uses.delete(array);
    const mirror = this.#mirrors.get(array);
    if (mirror === undefined) return;
    this.#mirrors.delete(array);
    this.#mirrorBytes -= mirror.bytes;
    this.#free.push(mirror);
  }

  /** Bytes of array copies held in WebAssembly memory. */
  get mirrorBytes(): number {
    return this.#mirrorBytes;
  }

  /** The mirror of `array`, made now if this is its `mirrorOnUse`-th use; null before that or past the cap. */
  #mirrorOf(array: Float32Array): Block | null {
    const existing = this.#mirrors.get(array);
    if (existing) return existing;
    const uses = (this.#uses.get(array) ?? 0) + 1;
    if (uses < this.#mirrorOnUse) {
      this.#uses.set(array, uses);
      return null;
    }
    if (this.#mirrorBytes + array.byteLength > this.#maxMirrorBytes) return null;
    const mirror = this.#allocate(array.byteLength);
    this.#f32.set(array, mirror.offset / 4);
    this.#mirrors.set(array, mirror);
    this.#mirrorBytes += mirror.bytes;
    return mirror;
  }

  /** The byte offset of a scratch area of at least `bytes`, reused across calls. */
  #scratch(bytes: number): number {
    if (this.#io.bytes < bytes) {
      if (this.#io.bytes > 0) this.#free.push(this.#io);
      this.#io = this.#allocate(bytes);
    }
    return this.#io.offset;
  }

  /** A free block of at least `bytes` (16-byte aligned), growing the memory when none fits. */
  #allocate(bytes: number): Block {
    const size = Math.ceil(bytes / 16) * 16;
    const i = this.#free.findIndex((b) => b.bytes >= size);
    if (i >= 0) return this.#free.splice(i, 1)[0];
    const block = { offset: this.#top, bytes: size };
    this.#top += size;
    const missing = this.#top - this.#exports.memory.buffer.byteLength;
    if (missing > 0) {
      this.#exports.memory.grow(Math.ceil(missing / PAGE));
      this.#f32 = new Float32Array(this.#exports.memory.buffer);
      this.#f64 = new Float64Array(this.#exports.memory.buffer);
    }
    return block;
  }
}
