/**
 * The seam for packed weights (16-bit floats, ggml's quantized blocks). The core knows only this interface;
 * the kernels themselves (decoders, the WebAssembly SIMD dot products) live in the `@transformer-kit/tensor/quant`
 * entry and are installed by a call (`useWeightKernels()`, which the model loaders make when a file holds packed
 * weights), so a bundle that never loads such a model carries none of them.
 */
import type { WeightDType } from '../dtype';

/** A weight as stored: its dtype, packed bytes, and [rows, cols] (cols a multiple of the dtype's block). */
export interface PackedWeight {
  readonly dtype: WeightDType;
  /** The packed bytes (on the CPU backend a view of its heap: read it afresh, do not keep it across allocations). */
  readonly bytes: Uint8Array;
  readonly rows: number;
  readonly cols: number;
  /**
   * Where the bytes live when a CPU backend holds the weight: its WebAssembly memory and the byte address,
   * so kernels instantiated on that memory read them in place.
   */
  readonly address?: { readonly memory: WebAssembly.Memory; readonly ptr: number };
  /**
   * The name of the backend-private layout `bytes` are in ({@link HeapLayout}, chosen by the installed kernels at
   * upload); absent: ggml's blocks. The installed kernels read either; nothing else reads `bytes`.
   */
  readonly layout?: string;
}

/** A layout the packed-weight kernels compute a weight in faster than in ggml's blocks, holding the same values. */
export interface HeapLayout {
  /** Its name (the weight's `layout`). */
  readonly name: string;
  /** Bytes the weight takes in it. */
  readonly bytes: number;
  /** Writes ggml's bytes `src` in this layout into `dst` (`bytes` long). */
  write(src: Uint8Array, dst: Uint8Array): void;
}

/** What a backend calls to compute with packed weights it has no kernels of its own for. */
export interface WeightKernels {
  /** out [m, rows] = x [m, cols] · Wᵀ. */
  matmul(x: Float32Array, m: number, w: PackedWeight, out: Float32Array): void;
  /** out [ids.length, cols] = the rows `ids` of W, decoded. */
  gatherRows(w: PackedWeight, ids: ArrayLike<number>, out: Float32Array): void;
  /** All of W decoded to float32 (a GPU backend uploads this). */
  dequantize(w: PackedWeight): Float32Array;
  /** W will not be used again (frees any copy the kernels keep). */
  release(w: PackedWeight): void;
  /**
   * Optional: the layout a CPU backend holds W [rows, cols] of `dtype` in (it writes it at upload, straight from
   * ggml's bytes), or null: ggml's. These kernels (`matmul`, `gatherRows`, `dequantize`) read both.
   */
  layout?(dtype: WeightDType, rows: number, cols: number): HeapLayout | null;
  /** Optional: take W's bytes where the kernels compute (called at upload, so the file's copy can be freed). */
  adopt?(w: PackedWeight): void;
  /**
   * Optional: kernels instantiated on a CPU backend's heap (`memory`, shared or not), which multiply a weight
   * held there in place (`w.address`); null where they cannot run. The CPU backend asks once per backend.
   */
  onHeap?(memory: WebAssembly.Memory, shared: boolean): HeapWeightKernels | null;
}

/**
 * Packed-weight kernels on a CPU backend's heap: the backend allocates the blocks, the kernels read and write
 * them in place, and the backend splits the multiply over its threads by output rows (rows of W).
 */
export interface HeapWeightKernels {
  /** The compiled module: the backend's worker threads instantiate it on the same memory. */
  readonly module: WebAssembly.Module;
  /** The export that multiplies, called as `kernel(...args, scratch, begin, end)` over rows of W [begin, end). */
  readonly kernel: string;
  /**
   * Whether W [n, k] of `dtype`, its bytes in `layout` (a {@link PackedWeight.layout}; undefined: ggml's blocks), is
   * multiplied here (else the backend calls `WeightKernels.matmul` on views).
   */
  covers(dtype: WeightDType, k: number, layout?: string): boolean;
  /** Bytes of the per-call block for m activation rows of length k (their quantized form). */
  activationBytes(m: number, k: number): number;
  /** Prepares x [m, k] at `x` into the block at `act` and returns `kernel`'s arguments for y [m, n] at `y`. */
  prepare(w: PackedWeight, x: number, m: number, act: number, y: number): readonly number[];
  /** Runs `kernel` on the calling thread with `args` from `prepare`. */
  run(args: readonly number[], scratch: number, begin: number, end: number): void;
}

let installed: WeightKernels | null = null;

/**
 * Installs the kernels packed weights are computed with (idempotent; the `@transformer-kit/tensor/quant` entry's
 * `useWeightKernels()` calls this).
 *
 * @example
 * ```ts
 * import { installWeightKernels } from '@transformer-kit/tensor';
 * import { weightKernels } from '@transformer-kit/tensor/quant';
 * installWeightKernels(weightKernels());
 * ```
 */
export function installWeightKernels(kernels: WeightKernels): void {
  installed = kernels;
}

/**
 * The installed weight kernels; an error naming what to call when none are.
 *
 * @example
 * ```ts
 * import { requireWeightKernels } from '@transformer-kit/tensor';
 * import { useWeightKernels } from '@transformer-kit/tensor/quant';
 * useWeightKernels();
 * console.log(typeof requireWeightKernels('matmul', 'q4_k').matmul); // function
 * ```
 */
export function requireWeightKernels(op: string, dtype: WeightDType): WeightKernels {
  if (installed === null) {
    throw new Error(`${op}: a ${dtype} weight needs the packed-weight kernels: call useWeightKernels() from '@transformer-kit/tensor/quant' first (the model loaders do)`);
  }
  return installed;
}
