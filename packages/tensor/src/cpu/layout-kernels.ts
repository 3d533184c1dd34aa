import { allocate, type DType, type TensorData } from '../dtype';
import { sizeOf, stridesOf, type Shape } from '../shape';

// Every kernel here writes every element of `out`: the backend may pass a reused buffer holding stale values.

/** Copies x into the row-major layout of its dimensions permuted by `perm`. */
export function transposeKernel(x: TensorData, shape: Shape, perm: readonly number[], dtype: DType, out: TensorData = allocate(dtype, x.length)): TensorData {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = stridesOf(shape);
  const strides = perm.map((p) => inStrides[p]);
  if (rank === 0 || out.length === 0) { out.set(x); return out; }
  // Walk the output in order; the innermost dimension is a strided read.
  const last = rank - 1;
  const innerN = outShape[last];
  const innerStride = strides[last];
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o += innerN) {
    for (let j = 0, s = src; j < innerN; j++, s += innerStride) out[o + j] = x[s];
    for (let d = last - 1; d >= 0; d--) {
      idx[d]++;
      src += strides[d];
      if (idx[d] < outShape[d]) break;
      src -= strides[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Below this many elements a run is copied in a loop: a `subarray` view per run cost more than the copy. */
const SHORT_RUN = 64;

/** out[o …) = x[src …), n elements. */
function copyRun(out: TensorData, o: number, x: TensorData, src: number, n: number): void {
  if (n >= SHORT_RUN) out.set(x.subarray(src, src + n), o);
  else for (let j = 0; j < n; j++) out[o + j] = x[src + j];
}

/** Copies the block [begin, begin + size) of x. */
export function sliceKernel(
  x: TensorData, shape: Shape, begin: readonly number[], size: readonly number[], dtype: DType, out: TensorData = allocate(dtype, sizeOf(size)),
): TensorData {
  if (out.length === 0) return out;
  const rank = shape.length;
  if (rank === 0) { out[0] = x[0]; return out; }
  const strides = stridesOf(shape);
  const innerN = size[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o += innerN) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += (begin[d] + idx[d]) * strides[d];
    copyRun(out, o, x, src, innerN);
    for (let d = rank - 2; d >= 0; d--) { if (++idx[d] < size[d]) break; idx[d] = 0; }
  }
  return out;
}

/**
 * Writes `value` (shape `valueShape`, starting at element `valueBase` of `value`) into the tensor of shape
 * `targetShape` that starts at element `targetBase` of `target`, at `begin`, in place. Target and value may be
 * views of one memory: the CPU backend passes its heap's words for 4-byte elements (float32 bits copied as they
 * are), so a call makes no view and no array — a KV cache append runs it twice per layer and token.
 */
export function writeSliceKernel(
  target: TensorData, targetBase: number, targetShape: Shape, value: TensorData, valueBase: number, valueShape: Shape, begin: readonly number[],
): void {
  const rank = targetShape.length;
  let count = 1;
  for (let d = 0; d < rank; d++) count *= valueShape[d];
  if (count === 0) return;
  if (rank === 0) { target[targetBase] = value[valueBase]; return; }
  const inner = valueShape[rank - 1];
  // the target offset of `begin`; runs advance through the value's outer index in row-major order
  let start = targetBase;
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    start += begin[d] * stride;
    stride *= targetShape[d];
  }
  for (let run = 0, o = valueBase; o < valueBase + count; run++, o += inner) {
    // the target offset of run `run`: its outer index (over valueShape[0 … rank−2]) times the target's strides
    let dst = start;
    let rest = run;
    let s = targetShape[rank - 1];
    for (let d = rank - 2; d >= 0; d--) {
      const i = rest % valueShape[d];
      rest = (rest - i) / valueShape[d];
      dst += i * s;
      s *= targetShape[d];
    }
    copyRun(target, dst, value, o, inner);
  }
}

/** Joins xs along `axis`: seen as [outer, n_i * inner] blocks copied in turn. */
export function concatKernel(
  xs: readonly { data: TensorData; shape: Shape }[], axis: number, outShape: Shape, dtype: DType, out: TensorData = allocate(dtype, sizeOf(outShape)),
): TensorData {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= outShape[i];
  const rowOut = out.length / Math.max(outer, 1);
  let offset = 0;
  for (const { data, shape } of xs) {
    const rowIn = outer === 0 ? 0 : data.length / outer;
    for (let o = 0; o < outer; o++) out.set(data.subarray(o * rowIn, (o + 1) * rowIn), o * rowOut + offset);
    offset += rowIn;
    void shape;
  }
  return out;
}

/** Gathers slices of `table` along `axis` at int32 `indices`, with a clear error for an index out of range. */
export function gatherKernel(
  table: TensorData, shape: Shape, indices: TensorData, axis: number, dtype: DType,
  out: TensorData = allocate(dtype, gatherSize(shape, indices.length, axis)),
): TensorData {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  const n = shape[axis];
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  for (let k = 0; k < indices.length; k++) {
    const id = indices[k];
    if (!Number.isInteger(id) || id < 0 || id >= n) {
      throw new RangeError(`gather: index ${id} is out of range for dimension ${axis} of size ${n}`);
    }
  }
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < indices.length; k++) {
      const src = (o * n + indices[k]) * inner;
      out.set(table.subarray(src, src + inner), (o * indices.length + k) * inner);
    }
  }
  return out;
}

/** Elements in the output of gathering `count` indices along `axis` of a tensor of `shape`. */
export function gatherSize(shape: Shape, count: number, axis: number): number {
  return shape[axis] === 0 ? 0 : (sizeOf(shape) / shape[axis]) * count;
}
