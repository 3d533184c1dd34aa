import { controlLayout, CHUNK_WORDS, THREAD_ALIVE, THREAD_DEAD, type ControlLayout } from './control-block';
import { runChunks, type KernelFunction } from './run-chunks';
import { canSpawnThreadWorker, spawnThreadWorker, workerPlatform, type ThreadWorkerHandle } from './spawn-thread-worker';

/** Options of {@link ThreadPool.create}. */
export interface ThreadPoolOptions {
  /** Threads including the calling thread; 1 (or less) means no pool. */
  threads: number;
  /** The heap every module imports as `env.memory`; must be shared for a pool to exist. */
  memory: WebAssembly.Memory;
  /** The compiled kernel modules; every thread instantiates each one with `{ env: { memory } }`. */
  modules: readonly WebAssembly.Module[];
  /** One scratch pointer per thread (thread 0 = the calling thread), from the heap. */
  scratch: readonly number[];
}

/** What {@link ThreadPool.stats} reports. */
export interface ThreadPoolStats {
  threads: number;
  /** Runs that were split into more than one chunk. */
  parallelRuns: number;
  /** Workers (not counting the calling thread) that have run at least one chunk. */
  workersUsed: number;
  /** Workers started and waiting for work (0 until the first run that splits starts them, then up to threads - 1). */
  workersAlive: number;
}

/** Polls of the generation a worker makes before it sleeps (a decode step's runs come microseconds apart). */
const WORKER_SPIN = 20_000;
/** Polls of the done count the calling thread makes before it sleeps in Atomics.wait. */
const CALLER_SPIN = 50_000;
/** The caller's wait slice: between slices it looks for chunks held by workers that died. */
const WAIT_SLICE_MS = 20;

/** What the finalizer needs to stop a forgotten pool's workers — never the pool itself. */
interface PoolThreads {
  ctl: Int32Array;
  layout: ControlLayout;
  workers: ThreadWorkerHandle[];
  /** Workers known to have exited (set by their exit/error events, between runs). */
  gone: boolean[];
}

function shutDown(threads: PoolThreads): Promise<void> {
  Atomics.store(threads.ctl, threads.layout.SHUTDOWN, 1);
  Atomics.add(threads.ctl, threads.layout.GEN, 1);
  Atomics.notify(threads.ctl, threads.layout.GEN);
  const exits = threads.workers.map((w) => w.terminate());
  threads.workers = [];
  return Promise.all(exits).then(() => undefined);
}

let finalizer: FinalizationRegistry<PoolThreads> | null | undefined;

/** A pool nobody destroyed stops its workers when it is garbage-collected (where FinalizationRegistry exists). */
function poolFinalizer(): FinalizationRegistry<PoolThreads> | null {
  if (finalizer === undefined) {
    finalizer = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((threads) => void shutDown(threads)) : null;
  }
  return finalizer;
}

/** Whether this thread may block in Atomics.wait (not a browser window's main thread). */
function callerMayWait(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A pool of worker threads sharing one WebAssembly heap, running a kernel export over a range split in
 * contiguous chunks, synchronously: `run` returns when every chunk is done. Chunk 0 runs on the calling
 * thread; chunk t on worker t, unless a thread that is free first takes it (a worker still starting, or one
 * that died, never stalls a run). Which thread runs a chunk never changes its bits: the split depends only on
 * `total`, `grain` and the thread count, and each kernel computes an output element within one chunk.
 *
 * Arguments travel through a shared control block (no postMessage per run); workers spin briefly, then sleep
 * in Atomics.wait. Workers start lazily, on the first run that splits, and are unref'd in Node: a pool never
 * keeps a process alive. `destroy()` ends them; a pool that is garbage-collected without it ends them too.
 *
 * @example
 * ```ts
 * // the thread pool is the CPU backend's (internal): threads are asked for, and observed, through the backend
 * import { CpuBackend, matmul, randomNormal, setBackend } from '@transformer-kit/tensor';
 * const cpu = new CpuBackend({ threads: 2 });
 * setBackend(cpu);
 * const a = randomNormal([128, 128], 0, 1, { seed: 1 }); // [m, k]
 * matmul(a, a).dispose();                                 // [128, 128]: its rows split over the 2 threads
 * console.log(cpu.engineStats().threads);                 // 2
 * ```
 */
export class ThreadPool {
  /** Threads including the calling thread. */
  readonly threads: number;
  private readonly layout: ControlLayout;
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly text: Uint16Array;
  private readonly pool: PoolThreads;
  private readonly memory: WebAssembly.Memory;
  private readonly modules: readonly WebAssembly.Module[];
  private readonly scratch: readonly number[];
  private readonly canWait = callerMayWait();
  /** Per module: export name → index among its function exports (the order every thread sees). */
  private readonly exportIndex: Map<string, number>[];
  private callerKernels: KernelFunction[][] | null = null;
  private started = false;
  private destroyed = false;
  private parallelRuns = 0;

  /**
   * A pool of `threads` threads, or null where threads cannot help: `threads <= 1`, no SharedArrayBuffer,
   * a non-shared memory, or no way to start a worker here.
   */
  static create(options: ThreadPoolOptions): ThreadPool | null {
    const threads = Math.floor(options.threads);
    if (!(threads > 1) || typeof SharedArrayBuffer !== 'function' || !(options.memory.buffer instanceof SharedArrayBuffer)) return null;
    if (workerPlatform() === null) return null;
    if (options.scratch.length < threads) {
      throw new Error(`ThreadPool.create: scratch has ${options.scratch.length} pointers for ${threads} threads (one per thread is required)`);
    }
    canSpawnThreadWorker(); // an old Node starts loading worker_threads now, for the first run that splits
    return new ThreadPool(threads, options);
  }

  private constructor(threads: number, options: ThreadPoolOptions) {
    this.threads = threads;
    this.memory = options.memory;
    this.modules = options.modules.slice();
    this.scratch = options.scratch.slice(0, threads);
    this.layout = controlLayout(threads);
    const control = new SharedArrayBuffer(this.layout.bytes);
    this.ctl = new Int32Array(control, 0, this.layout.words);
    this.args = new Float64Array(control, this.layout.argsByte, this.layout.maxArgs);
    this.text = new Uint16Array(control, this.layout.textByte, this.layout.textChars);
    this.exportIndex = this.modules.map((m) => {
      const index = new Map<string, number>();
      for (const e of WebAssembly.Module.exports(m).filter((e) => e.kind === 'function')) index.set(e.name, index.size);
      return index;
    });
    for (let c = 0; c < threads; c++) this.ctl[this.layout.CHUNKS + CHUNK_WORDS * c] = -1;
    this.pool = { ctl: this.ctl, layout: this.layout, workers: [], gone: new Array<boolean>(threads).fill(false) };
    poolFinalizer()?.register(this, this.pool, this);
  }

  /**
   * Runs `modules[module].exports[name](...args, scratch_t, begin_t, end_t)` over [0, total) split in
   * contiguous chunks of at least `grain` (every boundary but `total` a multiple of `grain`), over at most
   * `threads` threads; returns when all chunks are done. A chunk that throws (a wasm trap) makes `run` throw,
   * after every other chunk has ended, an Error naming the kernel, the chunk and the thread.
   */
  run(module: number, name: string, args: readonly number[], total: number, grain: number): void {
    const L = this.layout;
    if (this.destroyed) throw new Error(`ThreadPool.run(${name}): the pool was destroyed`);
    const exportIndex = this.exportIndex[module]?.get(name);
    if (exportIndex === undefined) {
      const known = this.exportIndex[module] ? `its functions are ${[...this.exportIndex[module].keys()].join(', ')}` : `there are ${this.modules.length} modules`;
      throw new Error(`ThreadPool.run: module ${module} has no function export '${name}' (${known})`);
    }
    if (args.length > L.maxArgs) throw new Error(`ThreadPool.run(${name}): ${args.length} arguments, at most ${L.maxArgs} travel through the control block`);
    if (!(total > 0)) return;
    const step = Math.max(1, Math.floor(grain));
    const units = Math.floor(total / step);
    const chunks = Math.min(this.threads, units);
    const kernels = this.kernelsOnCaller();
    if (chunks <= 1 || !this.startWorkers()) {
      try {
        kernels[module][exportIndex](...args, this.scratch[0], 0, total);
      } catch (err) {
        throw new Error(`ThreadPool.run: kernel '${name}' failed on chunk 0 [0, ${total}) on the calling thread: ${String(err)}`, { cause: err });
      }
      return;
    }
    // Header, arguments and bounds first; freeing the claims publishes them (see runChunks); GEN wakes workers.
    const ctl = this.ctl;
    ctl[L.MODULE] = module;
    ctl[L.EXPORT] = exportIndex;
    ctl[L.NARGS] = args.length;
    ctl[L.NCHUNKS] = chunks;
    ctl[L.ERROR] = 0;
    Atomics.store(ctl, L.DONE, 0);
    for (let j = 0; j < args.length; j++) this.args[j] = args[j];
    for (let c = 0; c < chunks; c++) {
      const at = L.CHUNKS + CHUNK_WORDS * c;
      ctl[at + 1] = Math.floor((c * units) / chunks) * step;
      ctl[at + 2] = c === chunks - 1 ? total : Math.floor(((c + 1) * units) / chunks) * step;
      ctl[at + 3] = 0;
    }
    for (let c = 0; c < chunks; c++) Atomics.store(ctl, L.CHUNKS + CHUNK_WORDS * c, 0);
    Atomics.add(ctl, L.GEN, 1);
    if (Atomics.load(ctl, L.SLEEPERS) > 0) Atomics.notify(ctl, L.GEN);
    this.parallelRuns++;
    runChunks(ctl, this.args, this.text, kernels, 0, this.scratch, L, 0);
    this.waitForChunks(chunks, kernels);
    if (Atomics.load(ctl, L.ERROR) !== 0) throw this.chunkError(name, total);
  }

  /** Runs and worker use so far. */
  stats(): ThreadPoolStats {
    let workersUsed = 0;
    let workersAlive = 0;
    for (let t = 1; t < this.threads; t++) {
      if (Atomics.load(this.ctl, this.layout.THREADS + 2 * t + 1) > 0) workersUsed++;
      if (Atomics.load(this.ctl, this.layout.THREADS + 2 * t) === THREAD_ALIVE && !this.pool.gone[t]) workersAlive++;
    }
    return { threads: this.threads, parallelRuns: this.parallelRuns, workersUsed, workersAlive };
  }

  /** Ends the workers (safe twice); resolves once they have exited. `run` throws afterwards. */
  destroy(): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    this.destroyed = true;
    poolFinalizer()?.unregister(this);
    return shutDown(this.pool);
  }

  /** The calling thread's instances of every module on the shared heap (made on the first run). */
  private kernelsOnCaller(): KernelFunction[][] {
    this.callerKernels ??= this.modules.map((m) => {
      const instance = new WebAssembly.Instance(m, { env: { memory: this.memory } });
      return WebAssembly.Module.exports(m)
        .filter((e) => e.kind === 'function')
        .map((e) => instance.exports[e.name] as KernelFunction);
    });
    return this.callerKernels;
  }

  /** Starts the workers once; false while they cannot be started (an old Node still loading worker_threads). */
  private startWorkers(): boolean {
    if (this.started) return true;
    if (!canSpawnThreadWorker()) return false;
    this.started = true;
    const pool = this.pool;
    for (let t = 1; t < this.threads; t++) {
      const init = { thread: t, memory: this.memory, modules: this.modules, control: this.ctl.buffer as SharedArrayBuffer, layout: this.layout, scratch: this.scratch, spin: WORKER_SPIN };
      try {
        pool.workers.push(spawnThreadWorker(init, () => void (pool.gone[t] = true)));
      } catch {
        pool.gone[t] = true; // e.g. a Content-Security-Policy without blob: workers; the other threads do its share
      }
    }
    return true;
  }

  /** Spins, then sleeps (where allowed), until every chunk is done; takes back chunks of workers that died. */
  private waitForChunks(chunks: number, kernels: KernelFunction[][]): void {
    const L = this.layout;
    const ctl = this.ctl;
    for (let s = 0; s < CALLER_SPIN; s++) if (Atomics.load(ctl, L.DONE) === chunks) return;
    for (;;) {
      const done = Atomics.load(ctl, L.DONE);
      if (done === chunks) return;
      if (this.canWait) Atomics.wait(ctl, L.DONE, done, WAIT_SLICE_MS);
      if (Atomics.load(ctl, L.DONE) === chunks) return;
      for (let c = 0; c < chunks; c++) {
        const at = L.CHUNKS + CHUNK_WORDS * c;
        const owner = Atomics.load(ctl, at) - 1;
        const dead = owner > 0 && (Atomics.load(ctl, L.THREADS + 2 * owner) === THREAD_DEAD || this.pool.gone[owner]);
        // A dead worker's unfinished chunk is freed and run here: the kernel writes the same bits again.
        if (dead && Atomics.load(ctl, at + 3) === 0 && Atomics.compareExchange(ctl, at, owner + 1, 0) === owner + 1) {
          runChunks(ctl, this.args, this.text, kernels, 0, this.scratch, L, c);
        }
      }
    }
  }

  private chunkError(name: string, total: number): Error {
    const L = this.layout;
    const c = this.ctl[L.ERROR_CHUNK];
    const t = this.ctl[L.ERROR_THREAD];
    const at = L.CHUNKS + CHUNK_WORDS * c;
    const message = String.fromCharCode(...this.text.subarray(0, this.ctl[L.ERROR_LENGTH]));
    const where = t === 0 ? 'on the calling thread' : `in worker ${t}`;
    return new Error(`ThreadPool.run: kernel '${name}' failed on chunk ${c} [${this.ctl[at + 1]}, ${this.ctl[at + 2]}) of ${total} ${where}: ${message}`);
  }
}
