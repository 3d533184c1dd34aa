import type { Backend } from '../backend';

const cache = new WeakMap<Backend, Backend>();

/**
 * The same backend with its optional fused kernels hidden (softmax, layerNorm, rmsNorm, gelu, silu, swiglu,
 * rotary, attention), so the ops fall back to their composites over the primitives. It shares the backend's storage:
 * tensors made on either can't be mixed in one op (they are different Backend objects), but memory is counted
 * once. One wrapper per backend, so tensors a case makes on it stay compatible with each other.
 *
 * @example
 * ```ts
 * import { createCpuBackend, softmax, tensor } from '@transformer-kit/tensor';
 * import { withoutFusedKernels } from '@transformer-kit/tensor/testing';
 * const composite = withoutFusedKernels(createCpuBackend());
 * const p = softmax(tensor([1, 2, 3], [3], 'float32', composite)); // max, sub, exp, sum, div
 * ```
 */
export function withoutFusedKernels(backend: Backend): Backend {
  const known = cache.get(backend);
  if (known) return known;
  const b = backend;
  const wrapper: Backend = {
    name: `${b.name} (composite)`,
    tolerance: b.tolerance,
    upload: (values, shape, dtype) => b.upload(values, shape, dtype),
    read: (dataId, shape, dtype) => b.read(dataId, shape, dtype),
    readSync: b.readSync ? (dataId, shape, dtype) => b.readSync!(dataId, shape, dtype) : undefined,
    disposeData: (dataId) => b.disposeData(dataId),
    writeSlice: (target, value, begin) => b.writeSlice(target, value, begin),
    matmul: (x, y, transposeA, transposeB, outShape) => b.matmul(x, y, transposeA, transposeB, outShape),
    unary: (op, x) => b.unary(op, x),
    binary: (op, x, y, outShape, outDType) => b.binary(op, x, y, outShape, outDType),
    reduce: (op, x, axis) => b.reduce(op, x, axis),
    gather: (table, indices, axis) => b.gather(table, indices, axis),
    transpose: (x, perm) => b.transpose(x, perm),
    slice: (x, begin, size) => b.slice(x, begin, size),
    concat: (xs, axis, outShape) => b.concat(xs, axis, outShape),
    where: (cond, x, y, outShape) => b.where(cond, x, y, outShape),
    cast: (x, dtype) => b.cast(x, dtype),
    liveDataCount: () => b.liveDataCount(),
  };
  cache.set(backend, wrapper);
  return wrapper;
}
