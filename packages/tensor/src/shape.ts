/** A tensor's shape: the size of each dimension, outermost first. */
export type Shape = readonly number[];

/**
 * Number of elements of a shape (1 for a scalar shape `[]`).
 *
 * @example
 * ```ts
 * import { sizeOf } from '@transformer-kit/tensor';
 * sizeOf([2, 3, 4]); // 24
 * ```
 */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Row-major strides of a contiguous tensor of `shape`.
 *
 * @example
 * ```ts
 * import { stridesOf } from '@transformer-kit/tensor';
 * stridesOf([2, 3, 4]); // [12, 4, 1]
 * ```
 */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Strides of a contiguous tensor of `shape` read as the larger `outShape` it broadcasts to (right-aligned;
 * a stretched dimension of size 1, or a missing leading one, gets stride 0). What a backend's broadcasting
 * kernels walk.
 *
 * @example
 * ```ts
 * import { broadcastStrides } from '@transformer-kit/tensor';
 * broadcastStrides([3, 1], [2, 3, 4]); // [0, 1, 0]
 * ```
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const rank = outShape.length;
  const out = new Array<number>(rank).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const o = rank - shape.length + i;
    out[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : own[i];
  }
  return out;
}

/** Throws unless every dimension is a non-negative integer. */
export function assertValidShape(shape: Shape, what = 'shape'): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`Invalid ${what} [${shape.join(', ')}]: dimensions must be non-negative integers`);
    }
  }
}

/**
 * Resolves a possibly negative axis (`-1` = last) against a rank, with a clear error when out of range.
 *
 * @example
 * ```ts
 * import { normalizeAxis } from '@transformer-kit/tensor';
 * normalizeAxis(-1, 3); // 2
 * ```
 */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= rank) {
    throw new RangeError(`Axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/**
 * The shape two shapes broadcast to (NumPy rules: align on the right; a dimension of 1 stretches).
 *
 * @example
 * ```ts
 * import { broadcastShapes } from '@transformer-kit/tensor';
 * broadcastShapes([4, 1, 3], [5, 3]); // [4, 5, 3]
 * ```
 */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  // NOTE: the missing leading dimensions are tested by index, not read as a[-1] ?? 1: a negative index is a
  // property lookup by name in V8, which made this a few percent of a decode step
  const offA = rank - a.length;
  const offB = rank - b.length;
  for (let i = 0; i < rank; i++) {
    const da = i < offA ? 1 : a[i - offA];
    const db = i < offB ? 1 : b[i - offB];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`Shapes [${a.join(', ')}] and [${b.join(', ')}] cannot be broadcast together (dimension ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** True when both shapes have the same dimensions. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `[2, 3]` → `'[2, 3]'`, for error messages. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}
