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
  for (const t of inputs) {
    if (!t) continue;
    // NOTE: packed weights (q4_k, float16, ...) only go through matmul, gather and cast; the first test is
    // the cheap one every op pays.
    if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool' && op !== 'matmul' && op !== 'gather' && op !== 'cast') {
      throw new TypeError(`${op}: ${t.dtype} ${formatShape(t.shape)} is a packed weight; only matmul (x · Wᵀ), gather and castTo(…, 'float32') take it`);
    }
    const b = t.backend;
    if (backend === null) backend = b;
    else if (backend !== b) throw new Error(`${op}: inputs live on different backends ('${backend.name}' and '${b.name}')`);
  }
  if (backend === null) throw new Error(`${op}: no tensor inputs`);
  return backend;
}

/** Wraps a kernel's output as a Tensor. */
export function wrap(backend: Backend, dataId: DataId, shape: Shape, dtype: DType): Tensor {
  return Tensor.fromDataId(backend, dataId, shape, dtype);
}

/** Throws a RangeError naming the op when `ok` is false. */
export function check(ok: boolean, op: string, message: () => string): asserts ok {
  if (!ok) throw new RangeError(`${op}: ${message()}`);
}

/** Throws unless x is float32 (the kernels of float math). */
export function requireFloat(op: string, x: Tensor): void {
  check(x.dtype === 'float32', op, () => `expected a float32 tensor, got ${x.dtype} ${formatShape(x.shape)}`);
}
