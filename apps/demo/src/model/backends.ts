import { createGpuBackend } from '@transformer-kit/gpu-backend';
import { CpuBackend, setBackend, type Backend, type EngineStats } from '@transformer-kit/tensor';
import type { BackendChoice } from '../backend-card';
import type { BackendReport } from './protocol';

let gpu: Backend | null = null;
let gpuError: Error | null = null;
let cpu: CpuBackend | null = null;
let active: Backend | null = null;

/** True inside a Web Worker (no document: gpu.js needs an OffscreenCanvas there). */
function inWorker(): boolean {
  return typeof document === 'undefined';
}

/** A WebGL2 context for gpu.js: on an OffscreenCanvas in a worker, gpu.js's own canvas in the page. */
function workerContext(): { canvas: OffscreenCanvas; context: WebGL2RenderingContext } {
  if (typeof OffscreenCanvas === 'undefined') throw new Error('this browser has no OffscreenCanvas in workers');
  const canvas = new OffscreenCanvas(1, 1);
  const context = canvas.getContext('webgl2');
  if (!context) throw new Error('no WebGL2 context on an OffscreenCanvas in this worker');
  return { canvas, context };
}

/**
 * The model's CPU backend threads. Worker threads need SharedArrayBuffer (a cross-origin isolated page) and a
 * calling thread that may block in Atomics.wait (a worker: a page's main thread would spin), so: the page's
 * `?threads=N` or the machine's parallelism inside the engine's Web Worker of an isolated page, else 1.
 */
export function cpuThreads(requested: number | undefined): number | 'auto' {
  if (!inWorker() || !globalThis.crossOriginIsolated) return 1;
  return requested ?? 'auto';
}

/** The model's CPU backend's threads and work split across them, while it is the active backend. */
export function cpuEngineStats(): EngineStats | null {
  return cpu && active === cpu ? cpu.engineStats() : null;
}

/**
 * Makes the chosen backend the active one (in this realm: the worker's or the page's). The GPU backend is
 * created once (gpu.js compiles its kernels lazily and keeps them); if it cannot start, the CPU runs and the
 * note says why. The CPU backend is created once too, with {@link cpuThreads} threads.
 */
export async function useBackend(choice: BackendChoice, threads?: number): Promise<BackendReport> {
  if (choice === 'gpu' && !gpu && !gpuError) {
    try {
      // webgl2 by name: 'auto' would quietly fall back to gpu.js' cpu mode, which is not what the switch says.
      gpu = await createGpuBackend(inWorker() ? { mode: 'webgl2', ...workerContext() } : { mode: 'webgl2' });
    } catch (error) {
      gpuError = error as Error;
    }
  }
  if (choice === 'gpu' && gpu) {
    setBackend(gpu);
    active = gpu;
    return { name: gpu.name, choice, note: '', cpuThreads: null };
  }
  cpu ??= new CpuBackend({ threads: cpuThreads(threads) });
  setBackend(cpu);
  active = cpu;
  const note = choice === 'gpu' && gpuError ? `The GPU backend could not start (${gpuError.message}); running on the CPU.` : '';
  return { name: cpu.name, choice: 'cpu', note, cpuThreads: cpu.engineStats().threads };
}

/** The error that kept the GPU backend from starting here, if any. */
export function gpuStartError(): Error | null {
  return gpuError;
}
