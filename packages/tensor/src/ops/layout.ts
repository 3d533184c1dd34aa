import { formatShape, normalizeAxis, shapesEqual } from '../shape';
import type { Tensor } from '../tensor';
import { backendOf, backendOf3, check, wrap } from './run-kernel';

/**
 * Reorders dimensions (copies into the new layout). `perm[i]` is the input dimension that becomes output dimension i.
 *
 * @example
 * ```ts
 * import { permute, zeros } from '@transformer-kit/tensor';
 * const x = zeros([1, 5, 8, 16]);          // [batch, seq, heads, headDim]
 * const heads = permute(x, [0, 2, 1, 3]);  // [batch, heads, seq, headDim]
 * ```
 */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  check(isPermutation(perm, x.rank), 'permute', () => `[${perm.join(', ')}] is not a permutation of ${x.rank} dimensions`);
  const backend = backendOf3('permute', x);
  const outShape = perm.map((p) => x.shape[p]);
  // NOTE: when the dimensions larger than 1 keep their relative order, the row-major data is already in the new
  // layout: a free view. The decode step's [batch, 1, heads, headDim] → [batch, heads, 1, headDim] is such a case.
  let last = -1;
  let inOrder = true;
  for (let i = 0; i < perm.length && inOrder; i++) {
    if (x.shape[perm[i]] === 1) continue;
    inOrder = perm[i] > last;
    last = perm[i];
  }
  if (inOrder) return x.reshape(outShape);
  return wrap(backend, backend.transpose(x, perm), outShape, x.dtype);
}

/** True when `perm` holds each of 0 … rank − 1 once (no array made: permute runs several times a decode step). */
function isPermutation(perm: readonly number[], rank: number): boolean {
  if (perm.length !== rank) return false;
  let seen = 0;
  for (const p of perm) {
    if (!Number.isInteger(p) || p < 0 || p >= rank || p > 30 || seen & (1 << p)) return false;
    seen |= 1 << p;
  }
  return true;
}

/**
 * Swaps two dimensions (the last two by default).
 *
 * @example
 * ```ts
 * import { transpose, tensor } from '@transformer-kit/tensor';
 * transpose(tensor([1, 2, 3, 4, 5, 6], [2, 3])); // [3, 2] = [[1, 4], [2, 5], [3, 6]]
 * ```
 */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  const a = normalizeAxis(dim0, x.rank);
  const b = normalizeAxis(dim1, x.rank);
  const perm = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, perm);
}

/**
 * The block starting at `begin` with `size` elements per dimension (-1 = to the end).
 *
 * @example
 * ```ts
 * import { slice, arange } from '@transformer-kit/tensor';
 * const x = arange(12).reshape([3, 4]);
 * slice(x, [1, 0], [2, -1]); // rows 1..2: [[4, 5, 6, 7], [8, 9, 10, 11]]
 * ```
 */
export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  check(begin.length === x.rank && size.length === x.rank, 'slice', () => `begin/size need ${x.rank} entries for ${formatShape(x.shape)}`);
  const resolved = size.map((s, i) => (s === -1 ? x.shape[i] - begin[i] : s));
  for (let i = 0; i < x.rank; i++) {
    check(Number.isInteger(begin[i]) && begin[i] >= 0 && resolved[i] >= 0 && begin[i] + resolved[i] <= x.shape[i], 'slice', () =>
      `[${begin.join(', ')}] + [${resolved.join(', ')}] is outside ${formatShape(x.shape)} (dimension ${i})`);
  }
  const backend = backendOf3('slice', x);
  if (shapesEqual(resolved, x.shape)) return x.reshape(x.shape);
  return wrap(backend, backend.slice(x, begin, resolved), resolved, x.dtype);
}

/**
 * Splits along an axis into pieces of the given sizes (or into `n` equal pieces).
 *
 * @example
 * ```ts
 * import { split, zeros } from '@transformer-kit/tensor';
 * const qkv = zeros([5, 3 * 64]);
 * const [q, k, v] = split(qkv, 3, -1); // three [5, 64]
 * ```
 */
export function split(x: Tensor, sizesOrCount: number | readonly number[], axis = -1): Tensor[] {
  const ax = normalizeAxis(axis, x.rank);
  const total = x.shape[ax];
  let sizes: number[];
  if (typeof sizesOrCount === 'number') {
    check(sizesOrCount > 0 && total % sizesOrCount === 0, 'split', () => `dimension ${ax} of ${formatShape(x.shape)} does not split into ${sizesOrCount} equal parts`);
    sizes = new Array(sizesOrCount).fill(total / sizesOrCount);
  } else {
    sizes = [...sizesOrCount];
    check(sizes.reduce((a, b) => a + b, 0) === total, 'split', () => `sizes [${sizes.join(', ')}] do not add up to dimension ${ax} of ${formatShape(x.shape)}`);
  }
  let offset = 0;
  return sizes.map((s) => {
    const begin = x.shape.map((_, i) => (i === ax ? offset : 0));
    const size = x.shape.map((d, i) => (i === ax ? s : d));
    offset += s;
    return slice(x, begin, size);
  });
}

/**
 * Joins tensors along an existing axis.
 *
 * @example
 * ```ts
 * import { concat, tensor } from '@transformer-kit/tensor';
 * concat([tensor([1, 2], [1, 2]), tensor([3, 4], [1, 2])], 0); // [[1, 2], [3, 4]]
 * ```
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  check(xs.length > 0, 'concat', () => 'needs at least one tensor');
  const first = xs[0];
  const ax = normalizeAxis(axis, first.rank);
  let total = 0;
  for (const x of xs) {
    check(x.rank === first.rank && x.dtype === first.dtype && x.shape.every((d, i) => i === ax || d === first.shape[i]), 'concat', () =>
      `${formatShape(x.shape)} ${x.dtype} does not match ${formatShape(first.shape)} ${first.dtype} outside axis ${ax}`);
    total += x.shape[ax];
  }
  const backend = backendOf('concat', ...xs);
  const outShape = first.shape.map((d, i) => (i === ax ? total : d));
  if (xs.length === 1) return first.reshape(first.shape);
  return wrap(backend, backend.concat(xs, ax, outShape), outShape, first.dtype);
}

/**
 * Joins same-shaped tensors along a new axis.
 *
 * @example
 * ```ts
 * import { stack, tensor } from '@transformer-kit/tensor';
 * stack([tensor([1, 2], [2]), tensor([3, 4], [2])]); // [2, 2]
 * ```
 */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  check(xs.length > 0, 'stack', () => 'needs at least one tensor');
  const rank = xs[0].rank + 1;
  const ax = normalizeAxis(axis, rank);
  for (const x of xs) check(shapesEqual(x.shape, xs[0].shape), 'stack', () => `${formatShape(x.shape)} differs from ${formatShape(xs[0].shape)}`);
  const expanded = xs.map((x) => x.reshape([...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)]));
  const out = concat(expanded, ax);
  for (const e of expanded) e.dispose();
  return out;
}

/**
 * Writes `value` into `target` at `begin`, in place — the one mutating op, for preallocated caches
 * (a KV cache appends a token's keys without reallocating).
 *
 * @example
 * ```ts
 * import { writeSlice, zeros, ones } from '@transformer-kit/tensor';
 * const cache = zeros([4, 2, 8]);          // [maxSeq, kvHeads, headDim]
 * writeSlice(cache, ones([1, 2, 8]), [3, 0, 0]);
 * ```
 */
export function writeSlice(target: Tensor, value: Tensor, begin: readonly number[]): void {
  check(value.rank === target.rank && begin.length === target.rank && value.dtype === target.dtype, 'writeSlice', () =>
    `cannot write ${formatShape(value.shape)} ${value.dtype} into ${formatShape(target.shape)} ${target.dtype} at [${begin.join(', ')}]`);
  for (let i = 0; i < target.rank; i++) {
    check(begin[i] >= 0 && begin[i] + value.shape[i] <= target.shape[i], 'writeSlice', () =>
      `${formatShape(value.shape)} at [${begin.join(', ')}] overflows ${formatShape(target.shape)} (dimension ${i})`);
  }
  const backend = backendOf3('writeSlice', target, value);
  backend.writeSlice(target, value, begin);
}
