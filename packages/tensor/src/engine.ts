import type { Backend } from './backend';
import { createCpuBackend } from './cpu/cpu-backend';
import type { Tensor } from './tensor';

/**
 * The process-wide state: the active backend, the live tensors and the open scopes.
 * Nothing happens at import time; the CPU backend is created on first use if none was set.
 */
interface EngineState {
  backend: Backend | null;
  liveTensors: number;
  scopes: Set<Tensor>[];
}

const state: EngineState = { backend: null, liveTensors: 0, scopes: [] };

/**
 * Makes `backend` the one new tensors are created on. Returns the previous backend (if any).
 *
 * @example
 * ```ts
 * import { setBackend, createCpuBackend } from '@transformer-kit/tensor';
 * setBackend(createCpuBackend());
 * ```
 */
export function setBackend(backend: Backend): Backend | null {
  const previous = state.backend;
  state.backend = backend;
  return previous;
}

/**
 * The active backend (the CPU backend unless another was set).
 *
 * @example
 * ```ts
 * import { getBackend } from '@transformer-kit/tensor';
 * console.log(getBackend().name); // 'cpu'
 * ```
 */
export function getBackend(): Backend {
  if (state.backend === null) state.backend = createCpuBackend();
  return state.backend;
}

/** @internal Called by the Tensor constructor. */
export function trackTensor(t: Tensor): void {
  state.liveTensors++;
  const scope = state.scopes[state.scopes.length - 1];
  if (scope) scope.add(t);
}

/** @internal Called when a tensor is disposed. */
export function untrackTensor(t: Tensor): void {
  state.liveTensors--;
  const scope = state.scopes[state.scopes.length - 1];
  if (scope) scope.delete(t);
}

/** Counts of what is alive, for leak checks. */
export interface MemoryInfo {
  /** Tensors created and not yet disposed. */
  readonly numTensors: number;
  /** Storages alive in the active backend (views share one). */
  readonly numDataIds: number;
}

/**
 * How many tensors (and backend storages) are alive right now.
 *
 * @example
 * ```ts
 * import { memory, tensor } from '@transformer-kit/tensor';
 * const before = memory().numTensors;
 * tensor([1, 2], [2]).dispose();
 * console.log(memory().numTensors === before); // true
 * ```
 */
export function memory(): MemoryInfo {
  return { numTensors: state.liveTensors, numDataIds: getBackend().liveDataCount() };
}

function collectTensors(value: unknown, into: Set<Tensor>, isTensor: (v: unknown) => v is Tensor): void {
  if (isTensor(value)) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, into, isTensor);
  else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, into, isTensor);
  }
}

/** @internal The scope machinery behind `tidy`, parameterised on the Tensor check to avoid an import cycle. */
export function runScoped<T>(fn: () => T, isTensor: (v: unknown) => v is Tensor): T {
  const scope = new Set<Tensor>();
  state.scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    state.scopes.pop();
    for (const t of scope) t.dispose();
    throw error;
  }
  state.scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope) t.dispose();
    throw new TypeError('tidy() takes a synchronous function: an async one would free tensors it still uses');
  }
  const kept = new Set<Tensor>();
  collectTensors(result, kept, isTensor);
  const parent = state.scopes[state.scopes.length - 1];
  for (const t of scope) {
    if (kept.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/** @internal Removes a tensor from the scope it was created in, so `tidy` leaves it alive. */
export function escapeScopes(t: Tensor): void {
  for (const scope of state.scopes) scope.delete(t);
}
