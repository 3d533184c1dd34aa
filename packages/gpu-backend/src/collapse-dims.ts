/**
 * Dimension merging for the kernels' host-side index arithmetic (the strides themselves, plain and
 * broadcast, are tensor's `stridesOf` and `broadcastStrides`). Kernels index flat row-major data; merging
 * adjacent dimensions that every operand walks contiguously keeps the number of integer divisions (and
 * uniforms) per output element small.
 */

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
