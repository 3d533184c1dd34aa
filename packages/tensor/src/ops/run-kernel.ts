import type { Backend, DataId } from '../backend';
import type { DType } from '../dtype';
import { formatShape, type Shape } from '../shape';
import { Tensor } from '../tensor';

/**
 * The backend all inputs of an op live on; mixing backends is an error naming both
 * (move data with `await t.data()` and `tensor(...)` on the other backend).
 */
export function backendOf(op: string, ...inputs: readonly (Tensor | null | undefined)[]): Backend {
  let backend: Backend | null = null;
  for (const t of inputs) backend = joinBackend(op, backend, t);
  if (backend === null) throw new Error(`${op}: no tensor inputs`);
  return backend;
}

/**
 * `backendOf` for ops of one to three inputs, without the rest array (a decode step runs a few hundred ops, and
 * the array per call was a visible share of its garbage).
 */
export function backendOf3(op: string, a: Tensor | null | undefined, b?: Tensor | null, c?: Tensor | null): Backend {
  let backend = joinBackend(op, null, a);
  if (b) backend = joinBackend(op, backend, b);
  if (c) backend = joinBackend(op, backend, c);
  if (backend === null) throw new Error(`${op}: no tensor inputs`);
  return backend;
}

/** The backend of `t` checked against the inputs' so far (`backend`; null: none yet). */
function joinBackend(op: string, backend: Backend | null, t: Tensor | null | undefined): Backend | null {
  if (!t) return backend;
  // NOTE: packed weights (q4_k, float16, ...) only go through matmul, gather and cast; the first test is
  // the cheap one every op pays.
  if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool' && op !== 'matmul' && op !== 'gather' && op !== 'cast') {
    throw new TypeError(`${op}: ${t.dtype} ${formatShape(t.shape)} is a packed weight; only matmul (x · Wᵀ), gather and castTo(…, 'float32') take it`);
  }
  const b = t.backend;
  if (backend !== null && backend !== b) throw new Error(`${op}: inputs live on different backends ('${backend.name}' and '${b.name}')`);
  return b;
}

/** Wraps a kernel's output as a Tensor. */
export function wrap(backend: Backend, dataId: DataId, shape: Shape, dtype: DType): Tensor {
  return Tensor.fromOwnedShape(backend, dataId, shape, dtype);
}

/** Throws a RangeError naming the op when `ok` is false. */
export function check(ok: boolean, op: string, message: () => string): asserts ok {
  if (!ok) throw new RangeError(`${op}: ${message()}`);
}

/** Throws unless x is float32 (the kernels of float math). */
export function requireFloat(op: string, x: Tensor): void {
  check(x.dtype === 'float32', op, () => `expected a float32 tensor, got ${x.dtype} ${formatShape(x.shape)}`);
}
