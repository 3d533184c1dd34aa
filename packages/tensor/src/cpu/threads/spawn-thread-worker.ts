import { threadWorkerSource, type ThreadWorkerInit } from './thread-worker';

/** A started worker, whatever the platform. */
export interface ThreadWorkerHandle {
  /** Ends the worker; resolves once it has exited. */
  terminate(): Promise<void>;
}

/** The part of Node's `worker_threads` the pool uses. */
interface NodeWorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => {
    unref(): void;
    terminate(): Promise<number>;
    on(event: 'exit' | 'error', listener: (value: unknown) => void): void;
  };
}

let nodeThreads: NodeWorkerThreads | null | undefined;
let nodeThreadsLoading: Promise<void> | undefined;

function nodeProcess(): { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } | undefined {
  const p = (globalThis as { process?: unknown }).process;
  return typeof p === 'object' && p !== null ? (p as ReturnType<typeof nodeProcess>) : undefined;
}

/**
 * Node's `worker_threads` without a static `node:` import (the package is browser-safe and bundlers must not
 * see one): `process.getBuiltinModule` where Node has it (20.16+, 22.3+), synchronously; on an older Node a
 * dynamic import started by the first call, so the module is there a tick later — until then the pool runs
 * everything on the calling thread.
 */
function nodeWorkerThreads(): NodeWorkerThreads | null {
  if (nodeThreads !== undefined) return nodeThreads;
  const p = nodeProcess();
  if (typeof p?.getBuiltinModule === 'function') {
    nodeThreads = (p.getBuiltinModule('node:worker_threads') as NodeWorkerThreads | undefined) ?? null;
    return nodeThreads;
  }
  if (!nodeThreadsLoading) {
    // NOTE: the specifier is a variable so that no bundler (tsup's CJS output, Vite, webpack) resolves it.
    const specifier = 'node:worker_threads';
    nodeThreadsLoading = import(/* @vite-ignore */ /* webpackIgnore: true */ specifier).then(
      (m: NodeWorkerThreads) => void (nodeThreads = m),
      () => void (nodeThreads = null),
    );
  }
  return null;
}

/** Where workers come from here: Node's worker_threads, browser Web Workers, or nowhere. *
 * @example
 * ```ts
 * // internal to the CPU backend's thread pool; what it serves is visible through the backend
 * import { CpuBackend } from '@transformer-kit/tensor';
 * console.log(new CpuBackend({ threads: 2 }).engineStats().threads); // 2 (1 where SharedArrayBuffer is missing)
 * ```
 */
export function workerPlatform(): 'node' | 'web' | null {
  if (nodeProcess()?.versions?.node) return 'node';
  const g = globalThis as { Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?: unknown } };
  if (typeof g.Worker === 'function' && typeof g.Blob === 'function' && typeof g.URL?.createObjectURL === 'function') return 'web';
  return null;
}

/**
 * Whether {@link spawnThreadWorker} can start a worker now. On an old Node (no `process.getBuiltinModule`) the
 * first call starts loading `worker_threads` and says no; a later call says yes.
 *
 * @example
 * ```ts
 * // internal to the CPU backend's thread pool; what it serves is visible through the backend
 * import { CpuBackend } from '@transformer-kit/tensor';
 * console.log(new CpuBackend({ threads: 2 }).engineStats().threads); // 2 (1 where SharedArrayBuffer is missing)
 * ```
 */
export function canSpawnThreadWorker(): boolean {
  const platform = workerPlatform();
  return platform === 'web' || (platform === 'node' && nodeWorkerThreads() !== null);
}

/**
 * Starts one pool worker from the self-contained worker source. Node: an `eval` worker_threads Worker,
 * unref'd (a pool never keeps a process alive). Browser: a classic Web Worker from a blob URL.
 * `onGone` is called (on a later task) if the worker exits or fails on its own.
 *
 * @example
 * ```ts
 * // internal to the CPU backend's thread pool; what it serves is visible through the backend
 * import { CpuBackend } from '@transformer-kit/tensor';
 * console.log(new CpuBackend({ threads: 2 }).engineStats().threads); // 2 (1 where SharedArrayBuffer is missing)
 * ```
 */
export function spawnThreadWorker(init: ThreadWorkerInit, onGone: () => void): ThreadWorkerHandle {
  if (workerPlatform() === 'node') {
    const threads = nodeWorkerThreads();
    if (!threads) throw new Error('ThreadPool: worker_threads is not loaded yet (call canSpawnThreadWorker() first)');
    const worker = new threads.Worker(threadWorkerSource('node'), { eval: true, workerData: init });
    worker.unref();
    let exited = false;
    const exit = new Promise<void>((resolve) =>
      worker.on('exit', () => {
        exited = true;
        onGone();
        resolve();
      }),
    );
    worker.on('error', () => onGone());
    return {
      terminate: () => (exited ? exit : worker.terminate().then(() => exit)),
    };
  }
  const url = webWorkerUrl();
  const worker = new Worker(url);
  worker.onerror = () => onGone();
  worker.postMessage(init);
  return {
    terminate: () => {
      worker.terminate();
      return Promise.resolve();
    },
  };
}

let blobUrl: string | undefined;

/** One blob URL per realm for the worker source (kept: workers may be started again by another pool). */
function webWorkerUrl(): string {
  blobUrl ??= URL.createObjectURL(new Blob([threadWorkerSource('web')], { type: 'text/javascript' }));
  return blobUrl;
}
