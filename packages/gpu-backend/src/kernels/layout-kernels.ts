import { sizeOf, stridesOf, type Shape, type TensorHandle } from '@transformer-kit/tensor';
import { collapseWalk } from '../collapse-dims';
import { decompose, dot, ints, names, temp, tensors, type KernelArg, type KernelCall, type KernelPlan, type KernelSpec } from '../kernel-source';

/**
 * out[c] = x[base + Σ c_d · s_d]: transpose (strides permuted) and slice (base = the block's start) are
 * both this walk over `rank` collapsed dimensions.
 */
export function stridedCopySpec(rank: number): KernelSpec {
  return {
    params: [...tensors('x'), ...ints('base', ...names('d', rank).slice(1), ...names('s', rank))],
    body: decompose(rank, 'c', 'd') + `return x[base + ${dot('c', 's', rank)}];`,
  };
}

/**
 * Concatenation of `count` tensors seen as [outer, row_k]: output row = the rows of x0..x{count-1} side by
 * side. r_k is input k's row length, rowOut their sum.
 */
export function concatSpec(count: number): KernelSpec {
  let body = 'const col = imod(this.thread.x, rowOut);\nconst row = idiv(this.thread.x, rowOut);\nlet start = 0;\n';
  for (let k = 0; k < count - 1; k++) {
    body += `if (col < start + r${k}) {\nreturn x${k}[row * r${k} + col - start];\n}\nstart = start + r${k};\n`;
  }
  body += `return x${count - 1}[row * r${count - 1} + col - start];`;
  return { params: [...tensors(...names('x', count)), ...ints(...names('r', count), 'rowOut')], body };
}

/** table [outer, n, inner] at one id given as a uniform → [outer, 1, inner] (a decode step: no upload of the id). */
export function gatherOneSpec(): KernelSpec {
  const body = 'const inner = imod(this.thread.x, innerSize);\nconst outer = idiv(this.thread.x, innerSize);\nreturn table[(outer * n + id) * innerSize + inner];';
  return { params: [...tensors('table'), ...ints('n', 'innerSize', 'id')], body };
}

/** table [outer, n, inner] gathered at float-stored ids [count] → [outer, count, inner]. */
export function gatherSpec(): KernelSpec {
  const body =
    'const inner = imod(this.thread.x, innerSize);\nconst rest = idiv(this.thread.x, innerSize);\n' +
    'const k = imod(rest, count);\nconst outer = idiv(rest, count);\n' +
    'const id = toInt(ids[k]);\nreturn table[(outer * n + id) * innerSize + inner];';
  return { params: [...tensors('table', 'ids'), ...ints('n', 'innerSize', 'count')], body };
}

/**
 * The in-place KV-cache append as a copy: out = target with `value` [v0, v1, ...] written at `begin`.
 * The backend swaps the new texture into the target's DataId.
 */
export function writeSliceSpec(rank: number): KernelSpec {
  let body = decompose(rank, 'c', 'd') + 'let inside = 1;\n';
  for (let d = 0; d < rank; d++) body += `if (c${d} < b${d} || c${d} >= b${d} + v${d}) { inside = 0; }\n`;
  const rel = Array.from({ length: rank }, (_, d) => `(c${d} - b${d}) * vs${d}`).join(' + ');
  body += `if (inside === 1) {\nreturn value[${rel}];\n}\nreturn target[this.thread.x];`;
  return {
    params: [...tensors('target', 'value'), ...ints(...names('d', rank).slice(1), ...names('b', rank), ...names('v', rank), ...names('vs', rank))],
    body,
  };
}

// ---- argument packing ----

/** out[c] = x[base + Σ c_d · s_d] over `dims`. */
function stridedCopyPlan(x: TensorHandle, base: number, dims: readonly number[], strides: readonly number[]): KernelPlan {
  const walk = collapseWalk(dims, [strides]);
  const rank = walk.dims.length;
  return [{ key: `copy:${rank}`, make: () => stridedCopySpec(rank), size: sizeOf(dims), args: [x, base, ...walk.dims.slice(1), ...walk.strides[0]] }];
}

/** Whether `perm` keeps every element in place (it only moves size-1 dimensions): a view, no copy. */
export function isLayoutPreserving(shape: Shape, perm: readonly number[]): boolean {
  const moved = perm.filter((p) => shape[p] !== 1);
  return moved.every((p, i) => i === 0 || p > moved[i - 1]);
}

/** Where a slice starts when its elements are one contiguous run of x (a view then serves), else -1. */
export function contiguousSliceStart(shape: Shape, begin: readonly number[], size: readonly number[]): number {
  const strides = stridesOf(shape);
  const walk = collapseWalk(size, [strides]);
  if (sizeOf(size) > 1 && (walk.dims.length !== 1 || walk.strides[0][0] !== 1)) return -1;
  return begin.reduce((acc, b, d) => acc + b * strides[d], 0);
}

/** Dimensions permuted into a new row-major layout. */
export function transposePlan(x: TensorHandle, perm: readonly number[]): KernelPlan {
  const strides = stridesOf(x.shape);
  return stridedCopyPlan(x, 0, perm.map((p) => x.shape[p]), perm.map((p) => strides[p]));
}

/** The block of `size` starting at `begin`. */
export function slicePlan(x: TensorHandle, begin: readonly number[], size: readonly number[]): KernelPlan {
  const strides = stridesOf(x.shape);
  const base = begin.reduce((acc, b, d) => acc + b * strides[d], 0);
  return stridedCopyPlan(x, base, size, strides);
}

/** Tensors joined along `axis`: rows of up to 4 inputs per launch, more joined as a tree. */
export function concatPlan(xs: readonly TensorHandle[], axis: number, outShape: Shape): KernelPlan {
  const outer = sizeOf(outShape.slice(0, axis));
  const plan: KernelCall[] = [];
  const join = (parts: { arg: KernelArg; row: number }[]): { arg: KernelArg; row: number } => {
    if (parts.length > 4) {
      const groupSize = Math.ceil(parts.length / 4);
      const groups: { arg: KernelArg; row: number }[] = [];
      for (let i = 0; i < parts.length; i += groupSize) groups.push(join(parts.slice(i, i + groupSize)));
      return join(groups);
    }
    const rowOut = parts.reduce((s, p) => s + p.row, 0);
    const count = parts.length;
    plan.push({ key: `concat:${count}`, make: () => concatSpec(count), size: outer * rowOut, args: [...parts.map((p) => p.arg), ...parts.map((p) => p.row), rowOut] });
    return { arg: temp(plan.length - 1), row: rowOut };
  };
  join(xs.filter((x) => sizeOf(x.shape) > 0).map((x) => ({ arg: x, row: sizeOf(x.shape) / outer })));
  return plan;
}

/** `table` indexed along `axis`; one host id becomes a uniform (no upload), else the ids are a texture. */
export function gatherPlan(table: TensorHandle, indices: TensorHandle, axis: number, hostIds: ArrayLike<number> | null): KernelPlan {
  const outer = sizeOf(table.shape.slice(0, axis));
  const n = table.shape[axis];
  const inner = sizeOf(table.shape.slice(axis + 1));
  const count = sizeOf(indices.shape);
  if (hostIds && count === 1) return [{ key: 'gather:one', make: gatherOneSpec, size: outer * inner, args: [table, n, inner, hostIds[0]] }];
  return [{ key: 'gather', make: gatherSpec, size: outer * count * inner, args: [table, indices, n, inner, count] }];
}

/** `target` (as [dims]) with `value` [vDims] written at `begin`, as a new texture of the target's size. */
export function writeSliceCall(target: KernelArg, dims: readonly number[], value: KernelArg, vDims: readonly number[], begin: readonly number[]): KernelCall {
  const rank = Math.max(dims.length, 1);
  const d = dims.length ? [...dims] : [1];
  const v = vDims.length ? [...vDims] : [1];
  const b = begin.length ? [...begin] : [0];
  return { key: `writeSlice:${rank}`, make: () => writeSliceSpec(rank), size: sizeOf(d), args: [target, value, ...d.slice(1), ...b, ...v, ...stridesOf(v)] };
}
