/**
 * Host-side index arithmetic shared by the kernels: strides, broadcasting strides and dimension merging.
 * Kernels index flat row-major data; merging adjacent dimensions that every operand walks contiguously
 * keeps the number of integer divisions (and uniforms) per output element small.
 */

/** Row-major strides of `shape`. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}

/** Strides of `shape` read as `outShape` (right-aligned; a broadcast dimension has stride 0). */
export function broadcastStridesOf(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = rowMajorStrides(shape);
  const rank = outShape.length;
  const out = new Array<number>(rank).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const o = rank - shape.length + i;
    out[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : own[i];
  }
  return out;
}

/** A walk over `dims` (row-major) where operand k reads element Σ index_d · strides[k][d]. */
export interface StridedWalk {
  dims: number[];
  strides: number[][];
}

/**
 * Drops size-1 dimensions and merges neighbours that every operand steps through contiguously, so
 * `[2, 3, 4]` with plain strides becomes `[24]`. Always returns at least one dimension.
 */
export function collapseWalk(dims: readonly number[], strides: readonly (readonly number[])[]): StridedWalk {
  const keep: number[] = [];
  for (let d = 0; d < dims.length; d++) if (dims[d] !== 1) keep.push(d);
  const outDims: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (const d of keep) {
    const last = outDims.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * dims[d]);
    if (mergeable) {
      outDims[last] *= dims[d];
      strides.forEach((s, k) => (outStrides[k][last] = s[d]));
    } else {
      outDims.push(dims[d]);
      strides.forEach((s, k) => outStrides[k].push(s[d]));
    }
  }
  if (outDims.length === 0) return { dims: [1], strides: strides.map(() => [0]) };
  return { dims: outDims, strides: outStrides };
}

/** Product of the dimensions. */
export function product(dims: readonly number[]): number {
  let p = 1;
  for (const d of dims) p *= d;
  return p;
}
