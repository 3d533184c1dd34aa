/**
 * The layout of a thread pool's control block: one SharedArrayBuffer the calling thread and every worker map,
 * through which a run's arguments travel (no postMessage per run) and completion, errors and stats come back.
 *
 * ```
 * Int32 words [0, HEADER)          run header: generation, done count, kernel, chunk count, error, …
 * Int32 words CHUNKS + 4·c + …     per chunk c: claim (0 free, t+1 taken by thread t, -1 unused), begin, end, done
 * Int32 words THREADS + 2·t + …    per thread t: state (0 starting, 1 alive, 2 dead), chunks run
 * Float64 [argsByte, +maxArgs)     the kernel's leading arguments (pointers, sizes, f32 scalars)
 * Uint16  [textByte, +textChars)   the first error's message
 * ```
 *
 * Plain data only (no functions, no classes): {@link ControlLayout} is embedded into the worker source as JSON.
 */
export interface ControlLayout {
  /** Int32 index of the run generation; workers wait on it. */
  readonly GEN: number;
  /** Int32 index of the number of chunks finished in this run; the caller waits on it. */
  readonly DONE: number;
  readonly MODULE: number;
  readonly EXPORT: number;
  readonly NARGS: number;
  readonly NCHUNKS: number;
  readonly SHUTDOWN: number;
  /** Number of workers inside Atomics.wait (the caller notifies only when some are). */
  readonly SLEEPERS: number;
  /** 0 while no chunk failed, then 1; the first failure writes the three words after it and the text. */
  readonly ERROR: number;
  readonly ERROR_CHUNK: number;
  readonly ERROR_THREAD: number;
  readonly ERROR_LENGTH: number;
  readonly CHUNKS: number;
  readonly THREADS: number;
  readonly words: number;
  readonly argsByte: number;
  readonly maxArgs: number;
  readonly textByte: number;
  readonly textChars: number;
  readonly bytes: number;
}

/** Thread states in the control block. */
export const THREAD_STARTING = 0;
export const THREAD_ALIVE = 1;
export const THREAD_DEAD = 2;

/** Words per chunk: claim, begin, end, done. */
export const CHUNK_WORDS = 4;

/**
 * The control block layout for a pool of `threads` threads (the calling thread is thread 0).
 *
 * @example
 * ```ts
 * // internal to the CPU backend's thread pool; what it serves is visible through the backend
 * import { CpuBackend } from '@transformer-kit/tensor';
 * console.log(new CpuBackend({ threads: 2 }).engineStats().threads); // 2 (1 where SharedArrayBuffer is missing)
 * ```
 */
export function controlLayout(threads: number): ControlLayout {
  const maxArgs = 32;
  const textChars = 1024;
  const CHUNKS = 16;
  const THREADS = CHUNKS + CHUNK_WORDS * threads;
  const words = THREADS + 2 * threads;
  const argsByte = Math.ceil((words * 4) / 8) * 8;
  const textByte = argsByte + maxArgs * 8;
  const bytes = Math.ceil((textByte + textChars * 2) / 8) * 8;
  return {
    GEN: 0,
    DONE: 1,
    MODULE: 2,
    EXPORT: 3,
    NARGS: 4,
    NCHUNKS: 5,
    SHUTDOWN: 6,
    SLEEPERS: 7,
    ERROR: 8,
    ERROR_CHUNK: 9,
    ERROR_THREAD: 10,
    ERROR_LENGTH: 11,
    CHUNKS,
    THREADS,
    words,
    argsByte,
    maxArgs,
    textByte,
    textChars,
    bytes,
  };
}
