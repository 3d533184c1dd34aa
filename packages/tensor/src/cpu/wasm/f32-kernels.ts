import { kernelsWasmHex, kernelsWasmUnsharedPatch } from './kernels-wasm';
import { wasmBytes } from './wasm-bytes';

/**
 * Bytes of scratch memory each thread passes to a splittable kernel (the engine contract's `SCRATCH_BYTES`):
 * gemm packs panels of B there, attention keeps its scores there. 16-byte aligned, owned by the caller.
 *
 * @example
 * ```ts
 * import { SCRATCH_BYTES } from './packages/tensor/src/cpu/wasm/f32-kernels';
 * console.log(SCRATCH_BYTES / 1024); // 256
 * ```
 */
export const SCRATCH_BYTES = 262144;

/**
 * The float32 kernels of kernels.wat, as the module exports them: every pointer is a BYTE offset into the
 * backend's one WebAssembly memory (16-byte aligned when the engine allocated it), every size an element count.
 *
 * A kernel that ends with `(scratch, begin, end)` computes the part of its output whose outer index (named per
 * kernel) lies in `[begin, end)`, so a thread pool can call the same export from every thread with its own
 * range and its own {@link SCRATCH_BYTES} of scratch. Each output element is computed by one call, in an order
 * fixed by the shapes alone: any split gives the same bits. Arithmetic is float32 (SIMD, no fused multiply-add).
 *
 * Aliasing: the row and elementwise kernels (norms, softmax, rope, silu, gelu, swiglu, binary, binaryRow) and
 * attention (out = q) may write over their input; gemm's C and gemv's y must not overlap their inputs.
 *
 * @example
 * ```ts
 * import { instantiateF32Kernels } from './packages/tensor/src/cpu/wasm/f32-kernels';
 * const memory = new WebAssembly.Memory({ initial: 8, maximum: 65536, shared: true });
 * const kernels = instantiateF32Kernels(memory, true);
 * const f32 = new Float32Array(memory.buffer);
 * f32.set([1, 2, 3, 4], 0); // x [4] at byte 0
 * f32.set([1, 1, 1, 1, 0, 1, 0, 1], 4); // W [2, 4] at byte 16
 * kernels.gemv(0, 16, 48, 2, 4, 65536, 0, 2); // y [2] at byte 48; scratch at 64 KiB (unused by gemv)
 * console.log(f32[12], f32[13]); // 10 6
 * ```
 */
export interface F32Kernels {
  /** [rows of C] C[m, n] = A[m, k] · (transB ? B[n, k]ᵀ : B[k, n]), row-major; scratch holds packed B. */
  gemm(a: number, b: number, c: number, m: number, n: number, k: number, transB: number, scratch: number, begin: number, end: number): void;
  /** [rows of W] y[j] = Σ_i x[i]·W[j, i], W [n, k] row-major (a PyTorch-layout weight). */
  gemv(x: number, w: number, y: number, n: number, k: number, scratch: number, begin: number, end: number): void;
  /**
   * [batch·heads] softmax(q·kᵀ·scale, causal from queryOffset)·v with q/out [B, H, seqQ, D] and a KV cache
   * k/v [B, KVH, kvCapacity, D] of which the first kvLength rows are read; head h reads k/v head h / (H / KVH).
   * A query row that sees no key (or only -Infinity scores) gets zeros. headDim ≤ {@link ATTENTION_MAX_HEAD_DIM}.
   */
  attention(
    q: number, k: number, v: number, out: number, seqQ: number, kvLength: number, kvCapacity: number, headDim: number,
    heads: number, kvHeads: number, scale: number, causal: number, queryOffset: number, scratch: number, begin: number, end: number,
  ): void;
  /** [rows] y = x / sqrt(mean(x²) + eps) · gamma over rows of `dim` (gamma = 0: no scale). */
  rmsnorm(x: number, gamma: number, y: number, dim: number, eps: number, scratch: number, begin: number, end: number): void;
  /** [rows] (x − mean) / sqrt(var + eps) · gamma + beta over rows of `dim`, biased variance (gamma/beta = 0: none). */
  layernorm(x: number, gamma: number, beta: number, y: number, dim: number, eps: number, scratch: number, begin: number, end: number): void;
  /** [rows] max-subtracted softmax over rows of `dim`; a row of all -Infinity becomes zeros. */
  softmax(x: number, y: number, dim: number, scratch: number, begin: number, end: number): void;
  /**
   * [rows] y[r] (int32) = the first index of the largest value of row r of x [rows, n], or of the row's first NaN
   * (NaN counts as the largest); n ≥ 1.
   */
  argmax(x: number, y: number, n: number, scratch: number, begin: number, end: number): void;
  /**
   * [rows of x viewed as [R·seq, dim]] rotary embedding, row r at position r mod seq, cos/sin [seq, half];
   * layout 0 rotates pairs (2i, 2i+1), 1 pairs (i, i + half); dimensions from 2·half on are copied. y may be x.
   */
  rope(x: number, cos: number, sin: number, y: number, seq: number, dim: number, half: number, layout: number, scratch: number, begin: number, end: number): void;
  /** [elements] y = x·σ(x) = x / (1 + e^−x). */
  silu(x: number, y: number, scratch: number, begin: number, end: number): void;
  /** [elements] approximate 0: x·Φ(x) (erf); 1: GPT-2's tanh approximation. */
  gelu(x: number, y: number, approximate: number, scratch: number, begin: number, end: number): void;
  /** [elements] y = a op b, same shapes; op 0 add, 1 sub, 2 mul, 3 div (another op traps). */
  binary(op: number, a: number, b: number, y: number, scratch: number, begin: number, end: number): void;
  /** [rows] y[r, c] = a[r, c] op b[c] with a [rows, cols], b [cols] (a bias, a gain); ops as `binary`. */
  binaryRow(op: number, a: number, b: number, y: number, cols: number, scratch: number, begin: number, end: number): void;
  /** [elements] y = silu(gate)·up, in llama2.c's order: (gate·σ(gate))·up. */
  swiglu(gate: number, up: number, y: number, scratch: number, begin: number, end: number): void;
}

/**
 * The largest head dimension `attention` takes: q·scale and the output accumulator ([headDim] each) sit in
 * scratch beside one chunk of 8192 scores. Any kvLength works (chunks of keys, online softmax across them).
 *
 * @example
 * ```ts
 * import { ATTENTION_MAX_HEAD_DIM } from './packages/tensor/src/cpu/wasm/f32-kernels';
 * console.log(128 <= ATTENTION_MAX_HEAD_DIM); // true: every head size models use
 * ```
 */
export const ATTENTION_MAX_HEAD_DIM = 16384;

/**
 * The binary ops' codes, as `binary` and `binaryRow` take them.
 *
 * @example
 * ```ts
 * import { F32_BINARY_OPS } from './packages/tensor/src/cpu/wasm/f32-kernels';
 * console.log(F32_BINARY_OPS.div); // 3
 * ```
 */
export const F32_BINARY_OPS = { add: 0, sub: 1, mul: 2, div: 3 } as const;

const compiled: { shared?: WebAssembly.Module; unshared?: WebAssembly.Module } = {};

/**
 * The compiled f32 module, compiled once per variant and cached: `shared` imports a shared memory (threads),
 * otherwise a non-shared one. A worker instantiates the same Module object over the same memory.
 * Throws (from WebAssembly) where SIMD is unsupported.
 *
 * @example
 * ```ts
 * import { f32KernelsModule } from './packages/tensor/src/cpu/wasm/f32-kernels';
 * const module = f32KernelsModule(false);
 * console.log(module === f32KernelsModule(false)); // true: compiled once
 * console.log(WebAssembly.Module.exports(module).map((e) => e.name).includes('gemm')); // true
 * ```
 */
export function f32KernelsModule(shared: boolean): WebAssembly.Module {
  const key = shared ? 'shared' : 'unshared';
  compiled[key] ??= new WebAssembly.Module(wasmBytes(kernelsWasmHex, shared, kernelsWasmUnsharedPatch));
  return compiled[key];
}

/**
 * The f32 kernels over `memory` (the backend's heap): `shared` must say whether the memory is shared (the
 * module's import must match it), and the memory must declare a `maximum` (at most 65536 pages), since the
 * import does. Synchronous: the module is compiled once ({@link f32KernelsModule}).
 *
 * @example
 * ```ts
 * import { instantiateF32Kernels } from './packages/tensor/src/cpu/wasm/f32-kernels';
 * const memory = new WebAssembly.Memory({ initial: 8, maximum: 65536 });
 * const kernels = instantiateF32Kernels(memory, false);
 * const f32 = new Float32Array(memory.buffer);
 * f32.set([1, 2, 3, 4], 0);
 * kernels.softmax(0, 16, 4, 65536, 0, 1); // one row of 4 from byte 0 into byte 16
 * console.log(Array.from(f32.subarray(4, 8), (p) => p.toFixed(4)).join(' ')); // 0.0321 0.0871 0.2369 0.6439
 * ```
 */
export function instantiateF32Kernels(memory: WebAssembly.Memory, shared: boolean): F32Kernels {
  const instance = new WebAssembly.Instance(f32KernelsModule(shared), { env: { memory } });
  return instance.exports as unknown as F32Kernels;
}
