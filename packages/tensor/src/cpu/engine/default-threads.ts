/**
 * How many threads the CPU backend uses for `threads: 'auto'`: the machine's parallelism
 * (`navigator.hardwareConcurrency` in a browser and in Node 21+, `os.availableParallelism()` in Node 20 through
 * `process.getBuiltinModule`, never a static `node:os` import: this file is in the browser bundle), and 1 where
 * SharedArrayBuffer is missing (a page without cross-origin isolation: workers could not share the heap).
 *
 * @example
 * ```ts
 * // internal to the CPU backend
 * import { defaultThreads } from './packages/tensor/src/cpu/engine/default-threads';
 * console.log(defaultThreads() >= 1); // true
 * ```
 */
export function defaultThreads(): number {
  if (typeof SharedArrayBuffer !== 'function') return 1;
  const g = globalThis as {
    navigator?: { hardwareConcurrency?: number };
    process?: { getBuiltinModule?: (id: string) => { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined };
  };
  const fromNavigator = g.navigator?.hardwareConcurrency;
  if (typeof fromNavigator === 'number' && fromNavigator >= 1) return Math.floor(fromNavigator);
  const os = g.process?.getBuiltinModule?.('node:os');
  const n = os?.availableParallelism?.() ?? os?.cpus?.().length ?? 1;
  return Math.max(1, Math.floor(n));
}

/**
 * The thread count for a `threads` option: 'auto' (or undefined) → `defaultThreads()`; a positive integer as
 * given; anything else a RangeError naming the value.
 *
 * @example
 * ```ts
 * // internal to the CPU backend
 * import { resolveThreads } from './packages/tensor/src/cpu/engine/default-threads';
 * console.log(resolveThreads(3)); // 3
 * ```
 */
export function resolveThreads(threads: number | 'auto' | undefined): number {
  if (threads === undefined || threads === 'auto') return defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`createCpuBackend: threads must be 'auto' or a positive integer, got ${String(threads)}`);
  }
  return threads;
}
