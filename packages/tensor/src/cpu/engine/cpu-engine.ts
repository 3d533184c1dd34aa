/**
 * What the CPU backend computes with besides its heap: the f32 WebAssembly kernels instantiated on the heap's
 * memory, the calling thread's scratch block, and (lazily, on the first call worth splitting) the thread pool
 * whose workers instantiate the same module on the same memory.
 *
 * A kernel call is split when its work (outer items × cost per item, roughly multiply-adds) passes
 * MIN_PARALLEL_WORK, in chunks of at least MIN_CHUNK_WORK: below that the hand-off to a worker (a few
 * microseconds) costs more than it saves, and a stories260K decode step (~130 ops of a few thousand
 * multiply-adds each) stays on one thread. The split never changes a result: each kernel computes an output
 * element entirely in one call, in an order that does not depend on the range (the kernels' contract).
 */
import { f32KernelsModule, instantiateF32Kernels, SCRATCH_BYTES, type F32Kernels } from '../wasm/f32-kernels';
import { ThreadPool } from '../threads/thread-pool';
import type { Heap } from '../heap/heap';

/** A call with less work than this (≈ multiply-adds) runs on the calling thread. */
const MIN_PARALLEL_WORK = 1 << 17;
/** Each thread's chunk gets at least this much work. */
const MIN_CHUNK_WORK = 1 << 15;

/** Thread figures (`CpuBackend#engineStats()`). */
export interface ThreadStats {
  threads: number;
  parallelRuns: number;
  workersUsed: number;
  workersAlive: number;
}

/**
 * The kernels, scratch and thread pool of one CPU backend.
 *
 * @example
 * ```ts
 * // internal to the CPU backend; observed through CpuBackend#engineStats()
 * import { Heap } from './packages/tensor/src/cpu/heap/heap';
 * import { CpuEngine } from './packages/tensor/src/cpu/engine/cpu-engine';
 * const engine = new CpuEngine(new Heap(), 2, true);
 * console.log(engine.kernels !== null, engine.grain(4, 10)); // true 0 (too little work to split)
 * engine.destroy();
 * ```
 */
export class CpuEngine {
  /** The f32 kernels on the heap's memory; null where WebAssembly SIMD is missing or `wasm: false`. */
  readonly kernels: F32Kernels | null;
  /** Threads kernels may split across (1 without kernels or without shared memory). */
  readonly threads: number;
  /** The calling thread's scratch block. */
  readonly scratch: number;
  readonly #heap: Heap;
  /** The modules the pool's workers instantiate: the f32 kernels (0), then any added (packed-weight kernels). */
  readonly #modules: WebAssembly.Module[] = [];
  #pool: ThreadPool | null | undefined = undefined;
  /** One scratch block per thread (thread 0's is `scratch`), made with the first pool and kept. */
  #threadScratch: number[] | null = null;

  constructor(heap: Heap, threads: number, wasm: boolean) {
    this.#heap = heap;
    this.kernels = wasm ? instantiate(heap) : null;
    this.threads = this.kernels !== null && heap.shared ? threads : 1;
    this.scratch = this.kernels !== null ? heap.alloc(SCRATCH_BYTES) : 0;
    if (this.threads > 1) this.#modules.push(f32KernelsModule(true));
  }

  /**
   * The index `split` takes for another kernel module on the heap (the packed-weight kernels, which a model
   * loader installs later): a pool already running is ended, to start again with it on the next split.
   */
  addModule(module: WebAssembly.Module): number {
    let index = this.#modules.indexOf(module);
    if (index < 0) {
      index = this.#modules.push(module) - 1;
      if (this.#pool) {
        this.#pool.destroy();
        this.#pool = undefined;
      }
    }
    return index;
  }

  /**
   * The grain to split `total` outer items of `cost` work each across threads, or 0 to run the call on this
   * thread (too little work, one thread, or no workers in this runtime).
   */
  grain(total: number, cost: number): number {
    if (this.threads <= 1 || total < 2 || total * cost < MIN_PARALLEL_WORK) return 0;
    if (this.#ensurePool() === null) return 0;
    return Math.max(1, Math.ceil(MIN_CHUNK_WORK / Math.max(1, cost)));
  }

  /** Runs f32 kernel `name` over [0, total) across the pool (after `grain` returned `grain` > 0). */
  split(name: keyof F32Kernels, args: readonly number[], total: number, grain: number): void {
    this.#pool!.run(0, name, args, total, grain);
  }

  /** Runs export `name` of an added module (`addModule`) over [0, total) across the pool. */
  splitModule(module: number, name: string, args: readonly number[], total: number, grain: number): void {
    this.#pool!.run(module, name, args, total, grain);
  }

  stats(): ThreadStats {
    const pool = this.#pool ? this.#pool.stats() : null;
    return { threads: this.threads, parallelRuns: pool?.parallelRuns ?? 0, workersUsed: pool?.workersUsed ?? 0, workersAlive: pool?.workersAlive ?? 0 };
  }

  /** Ends the workers (the backend stays usable on one thread). */
  destroy(): void {
    this.#pool?.destroy();
    this.#pool = null;
  }

  #ensurePool(): ThreadPool | null {
    if (this.#pool !== undefined) return this.#pool;
    this.#threadScratch ??= Array.from({ length: this.threads }, (_, t) => (t === 0 ? this.scratch : this.#heap.alloc(SCRATCH_BYTES)));
    this.#pool = ThreadPool.create({ threads: this.threads, memory: this.#heap.memory, modules: this.#modules, scratch: this.#threadScratch });
    return this.#pool;
  }
}

function instantiate(heap: Heap): F32Kernels | null {
  try {
    return instantiateF32Kernels(heap.memory, heap.shared);
  } catch {
    return null; // no SIMD, or a page whose Content-Security-Policy forbids compiling WebAssembly
  }
}
