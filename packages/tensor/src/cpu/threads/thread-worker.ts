import type { ControlLayout } from './control-block';
import { runChunks, type KernelFunction } from './run-chunks';

/** What a worker is started with (Node: `workerData`; browser: its first message). All of it is cloneable. */
export interface ThreadWorkerInit {
  /** This worker's thread index (≥ 1; the calling thread is 0). */
  thread: number;
  /** The heap every module imports as `env.memory` (shared). */
  memory: WebAssembly.Memory;
  modules: readonly WebAssembly.Module[];
  /** The control block's SharedArrayBuffer, laid out by `layout`. */
  control: SharedArrayBuffer;
  layout: ControlLayout;
  /** One scratch pointer per thread. */
  scratch: readonly number[];
  /** Polls of the generation before the worker sleeps in Atomics.wait. */
  spin: number;
}

/**
 * A worker's whole life: instantiate every module on the shared heap, mark itself alive, then wait for a run
 * (spin, then Atomics.wait), take chunks, and go back to waiting — until the pool sets SHUTDOWN.
 *
 * NOTE: SELF-CONTAINED like {@link runChunks} (which it receives as a parameter instead of importing it):
 * {@link threadWorkerSource} embeds its text, since a worker made from a blob URL or `eval` can import nothing.
 *
 * @example
 * ```ts
 * // internal to the CPU backend's thread pool; what it serves is visible through the backend
 * import { CpuBackend } from '@transformer-kit/tensor';
 * console.log(new CpuBackend({ threads: 2 }).engineStats().threads); // 2 (1 where SharedArrayBuffer is missing)
 * ```
 */
export function threadWorkerMain(init: ThreadWorkerInit, run: typeof runChunks, onExit: ((listener: () => void) => void) | null): void {
  const L = init.layout;
  const ctl = new Int32Array(init.control, 0, L.words);
  const args = new Float64Array(init.control, L.argsByte, L.maxArgs);
  const text = new Uint16Array(init.control, L.textByte, L.textChars);
  const state = L.THREADS + 2 * init.thread;
  let kernels: KernelFunction[][];
  try {
    kernels = init.modules.map(function (module) {
      const instance = new WebAssembly.Instance(module, { env: { memory: init.memory } });
      return WebAssembly.Module.exports(module)
        .filter(function (e) { return e.kind === 'function'; })
        .map(function (e) { return instance.exports[e.name] as KernelFunction; });
    });
  } catch {
    // A worker that cannot instantiate never claims a chunk: the other threads do its share.
    Atomics.store(ctl, state, 2);
    return;
  }
  // A worker that ends mid-run (Node: process.exit, an uncaught error) frees the caller from waiting on it.
  if (onExit) onExit(function () { Atomics.store(ctl, state, 2); Atomics.notify(ctl, L.DONE); });
  Atomics.store(ctl, state, 1);
  let seen = 0;
  for (;;) {
    let g = Atomics.load(ctl, L.GEN);
    for (let s = 0; g === seen && s < init.spin; s++) g = Atomics.load(ctl, L.GEN);
    while (g === seen) {
      // NOTE: SLEEPERS is raised before the wait re-checks GEN, and the caller bumps GEN before reading
      // SLEEPERS (both sequentially consistent): either the caller notifies or the wait returns at once.
      Atomics.add(ctl, L.SLEEPERS, 1);
      Atomics.wait(ctl, L.GEN, seen);
      Atomics.sub(ctl, L.SLEEPERS, 1);
      g = Atomics.load(ctl, L.GEN);
    }
    if (Atomics.load(ctl, L.SHUTDOWN) !== 0) break;
    seen = g;
    run(ctl, args, text, kernels, init.thread, init.scratch, L, init.thread);
  }
  Atomics.store(ctl, state, 2);
}

let sources: { node: string; web: string } | undefined;

/**
 * The source of a pool worker: {@link runChunks} and {@link threadWorkerMain} as text, then an entry line
 * per platform — Node (`new Worker(source, { eval: true, workerData })`) reads `workerData`; a browser worker
 * (from a blob URL) takes its first message. Built once, on first use.
 *
 * @example
 * ```ts
 * // internal to the CPU backend's thread pool; what it serves is visible through the backend
 * import { CpuBackend } from '@transformer-kit/tensor';
 * console.log(new CpuBackend({ threads: 2 }).engineStats().threads); // 2 (1 where SharedArrayBuffer is missing)
 * ```
 */
export function threadWorkerSource(platform: 'node' | 'web'): string {
  if (!sources) {
    // NOTE: `__name` is what esbuild's keepNames (the demo's Vite build uses it) may call inside a function body.
    const body =
      `'use strict';\nvar __name = function (f) { return f; };\n` +
      `const runChunks = ${runChunks.toString()};\nconst threadWorkerMain = ${threadWorkerMain.toString()};\n`;
    sources = {
      node:
        body +
        `const threads = require('worker_threads');\n` +
        `threadWorkerMain(threads.workerData, runChunks, function (listener) { process.on('exit', listener); });\n`,
      web:
        body +
        `self.onmessage = function (event) {\n  self.onmessage = null;\n  threadWorkerMain(event.data, runChunks, null);\n  self.close();\n};\n`,
    };
  }
  return sources[platform];
}
