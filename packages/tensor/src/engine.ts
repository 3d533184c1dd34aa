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
  scopes: Scope[];
}

/**
 * The tensors one `tidy` created, in creation order. NOTE: an array, not a Set: a decode step creates a few
 * hundred tensors in a dozen nested scopes, and adding each to (and deleting it from) a Set cost about a tenth of
 * a stories260K step. A disposed tensor stays listed (skipped when the scope ends); a long scope that creates
 * and frees many is compacted now and then so the list does not grow with them.
 */
interface Scope {
  tensors: Tensor[];
  /** Compact the list (drop disposed tensors) when it reaches this length. */
  compactAt: number;
}

const FIRST_COMPACTION = 1024;

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
  if (scope === undefined) return;
  if (scope.tensors.length >= scope.compactAt) {
    scope.tensors = scope.tensors.filter((x) => !x.isDisposed);
    scope.compactAt = Math.max(FIRST_COMPACTION, 2 * scope.tensors.length);
  }
  scope.tensors.push(t);
}

/** @internal Called when a tensor is disposed (its scope skips it when it ends). */
export function untrackTensor(): void {
  state.liveTensors--;
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
    // NOTE: for-in, not Object.values: no array per result object (a layer returns { output } every call)
    for (const key in value) collectTensors((value as Record<string, unknown>)[key], into, isTensor);
  }
}

/** @internal The scope machinery behind `tidy`, parameterised on the Tensor check to avoid an import cycle. */
export function runScoped<T>(fn: () => T, isTensor: (v: unknown) => v is Tensor): T {
  const scope: Scope = { tensors: [], compactAt: FIRST_COMPACTION };
  state.scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    state.scopes.pop();
    for (const t of scope.tensors) t.dispose();
    throw error;
  }
  state.scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope.tensors) t.dispose();
    throw new TypeError('tidy() takes a synchronous function: an async one would free tensors it still uses');
  }
  const parent = state.scopes[state.scopes.length - 1];
  // the common results first, without building a set: one tensor, or none
  if (isTensor(result)) {
    for (const t of scope.tensors) if (t !== result) t.dispose();
    if (parent && !result.isDisposed && scope.tensors.includes(result)) parent.tensors.push(result);
    return result;
  }
  const kept = new Set<Tensor>();
  collectTensors(result, kept, isTensor);
  for (const t of scope.tensors) {
    if (t.isDisposed) continue;
    if (kept.has(t)) parent?.tensors.push(t);
    else t.dispose();
  }
  return result;
}

/** @internal Removes a tensor from the scopes that would dispose it, so `tidy` leaves it alive. */
export function escapeScopes(t: Tensor): void {
  for (const scope of state.scopes) {
    // NOTE: from the end: keep() is mostly called on a tensor just made
    const i = scope.tensors.lastIndexOf(t);
    if (i >= 0) scope.tensors.splice(i, 1);
  }
}
