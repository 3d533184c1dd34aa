import type { ControlLayout } from './control-block';

/** A kernel export as the pool calls it: every argument a number (wasm coerces to i32/f32). */
export type KernelFunction = (...args: number[]) => unknown;

/**
 * Claims and runs the free chunks of the current run, starting at chunk `first` (a thread's own chunk) and
 * then taking any chunk nobody has started (a worker still waking up, or one that died, loses its chunk to
 * whoever is free first — so a run never waits on a worker that is not there).
 *
 * NOTE: this function is SELF-CONTAINED (it refers only to its parameters and to globals every JavaScript
 * realm has): the worker source embeds it through `Function.prototype.toString`, so the calling thread and the
 * workers run the very same code. No imports, no helpers a transpiler would inject (spread, destructuring).
 *
 * Ordering: the caller writes the header, the arguments and each chunk's bounds, then frees the chunks
 * (claim ← 0) and only then bumps the generation. A thread that wins a claim's compare-exchange therefore sees
 * everything written for that run, even if it read a stale generation before (the run cannot end, and the
 * header cannot change, while it holds an unfinished chunk).
 *
 * @example
 * ```ts
 * // internal to the CPU backend's thread pool; what it serves is visible through the backend
 * import { CpuBackend } from '@transformer-kit/tensor';
 * console.log(new CpuBackend({ threads: 2 }).engineStats().threads); // 2 (1 where SharedArrayBuffer is missing)
 * ```
 */
export function runChunks(
  ctl: Int32Array,
  args: Float64Array,
  text: Uint16Array,
  kernels: readonly (readonly KernelFunction[])[],
  thread: number,
  scratch: readonly number[],
  L: ControlLayout,
  first: number,
): void {
  const maxChunks = (L.THREADS - L.CHUNKS) / 4;
  for (let i = 0; i < maxChunks; i++) {
    const c = (first + i) % maxChunks;
    const at = L.CHUNKS + 4 * c;
    if (Atomics.load(ctl, at) !== 0 || Atomics.compareExchange(ctl, at, 0, thread + 1) !== 0) continue;
    const nargs = ctl[L.NARGS];
    const chunks = ctl[L.NCHUNKS];
    const list = new Array(nargs + 3);
    for (let j = 0; j < nargs; j++) list[j] = args[j];
    list[nargs] = scratch[thread];
    list[nargs + 1] = ctl[at + 1];
    list[nargs + 2] = ctl[at + 2];
    try {
      kernels[ctl[L.MODULE]][ctl[L.EXPORT]].apply(null, list);
    } catch (err) {
      // Only the first failure is kept; the caller throws it once every chunk has ended.
      if (Atomics.compareExchange(ctl, L.ERROR, 0, 1) === 0) {
        const message = String(err);
        const length = Math.min(message.length, L.textChars);
        for (let j = 0; j < length; j++) text[j] = message.charCodeAt(j);
        ctl[L.ERROR_CHUNK] = c;
        ctl[L.ERROR_THREAD] = thread;
        ctl[L.ERROR_LENGTH] = length;
      }
    }
    Atomics.add(ctl, L.THREADS + 2 * thread + 1, 1);
    Atomics.store(ctl, at + 3, 1);
    if (Atomics.add(ctl, L.DONE, 1) + 1 === chunks) Atomics.notify(ctl, L.DONE);
  }
}
