import type { Backend } from '../backend';
import type { DType } from '../dtype';
import { tensor } from '../ops/creation';
import { seededRandom } from '../ops/random';
import { formatShape, shapesEqual, sizeOf, type Shape } from '../shape';
import type { Tensor } from '../tensor';

/**
 * What a conformance check expects of a tensor: its shape, dtype (default float32) and values (row-major).
 *
 * @example
 * ```ts
 * import type { ExpectedTensor } from '@transformer-kit/tensor/testing';
 * const ids: ExpectedTensor = { shape: [2], values: [3, 1], dtype: 'int32' };
 * ```
 */
export interface ExpectedTensor {
  readonly shape: Shape;
  readonly values: ArrayLike<number>;
  readonly dtype?: DType;
}

/**
 * A failed check: the message names the case's label, the element and both values. Thrown by CaseContext's
 * checks (and by your own cases' bodies) to fail a case with a reported maxError.
 *
 * @example
 * ```ts
 * import { ConformanceMismatch } from '@transformer-kit/tensor/testing';
 * const failure = new ConformanceMismatch('cache length: 3, expected 4', Infinity);
 * console.log(failure.name, failure.message); // 'ConformanceMismatch' 'cache length: 3, expected 4'
 * ```
 */
export class ConformanceMismatch extends Error {
  constructor(
    message: string,
    readonly maxError: number,
  ) {
    super(message);
    this.name = 'ConformanceMismatch';
  }
}

/**
 * What one case works with: the backend under test, helpers that make inputs on it (and free them at the
 * end), and checks against golden values with the backend's own tolerance.
 *
 * Float values pass when |actual − expected| ≤ tol + tol·|expected| (tol = `backend.tolerance`); NaN must
 * meet NaN and ±Infinity must be exact. int32 and bool values must be exact.
 *
 * @example
 * ```ts
 * import { createCpuBackend, add } from '@transformer-kit/tensor';
 * import { CaseContext } from '@transformer-kit/tensor/testing';
 * const c = new CaseContext(createCpuBackend());
 * await c.expect('1 + 2', add(c.tensor([1], [1]), 2), { shape: [1], values: [3] });
 * c.dispose();
 * ```
 */
export class CaseContext {
  /** The largest |actual − expected| / (1 + |expected|) over every float element checked so far. */
  maxError = 0;
  readonly #owned: Tensor[] = [];

  constructor(readonly backend: Backend) {}

  /** A tensor on the backend under test, freed when the case ends. */
  tensor(values: ArrayLike<number> | readonly boolean[], shape: Shape, dtype: DType = 'float32'): Tensor {
    return this.track(tensor(Array.from(values as ArrayLike<number>), shape, dtype, this.backend));
  }

  /**
   * A seeded uniform tensor in [low, high) and its values as float64 (already rounded to float32, so a
   * float64 reference sees exactly what the backend sees).
   */
  random(shape: Shape, seed: number, low = -1, high = 1): { t: Tensor; v: Float64Array } {
    const next = seededRandom(seed);
    const f32 = new Float32Array(sizeOf(shape));
    for (let i = 0; i < f32.length; i++) f32[i] = low + (high - low) * next();
    return { t: this.tensor(f32, shape), v: Float64Array.from(f32) };
  }

  /** Frees `t` when the case ends. */
  track<T extends Tensor>(t: T): T {
    this.#owned.push(t);
    return t;
  }

  /** Reads `actual` back (then frees it) and checks shape, dtype and values. */
  async expect(label: string, actual: Tensor, expected: ExpectedTensor): Promise<void> {
    this.track(actual);
    const dtype = expected.dtype ?? 'float32';
    if (actual.dtype !== dtype) throw new ConformanceMismatch(`${label}: dtype ${actual.dtype}, expected ${dtype}`, Infinity);
    if (!shapesEqual(actual.shape, expected.shape)) {
      throw new ConformanceMismatch(`${label}: shape ${formatShape(actual.shape)}, expected ${formatShape(expected.shape)}`, Infinity);
    }
    const values = await actual.data();
    actual.dispose();
    if (values.length !== expected.values.length) {
      throw new ConformanceMismatch(`${label}: read ${values.length} values, expected ${expected.values.length}`, Infinity);
    }
    const tol = dtype === 'float32' ? this.backend.tolerance : 0;
    for (let i = 0; i < values.length; i++) {
      const a = values[i];
      const e = expected.values[i];
      const error = elementError(a, e);
      if (Number.isFinite(error)) this.maxError = Math.max(this.maxError, error);
      if (!(error <= tol)) {
        throw new ConformanceMismatch(
          `${label}: element ${i} ${formatIndex(i, expected.shape)} is ${a}, expected ${e} (tolerance ${tol} abs + rel)`,
          Math.max(this.maxError, error),
        );
      }
    }
  }

  /** Checks that `fn` (or reading the tensor it returns) throws an error whose message mentions every `mention`. */
  async expectError(label: string, fn: () => Tensor | void, ...mentions: readonly (string | RegExp)[]): Promise<void> {
    let error: unknown = null;
    try {
      const t = fn();
      if (t) {
        this.track(t);
        await t.data();
      }
    } catch (e) {
      error = e;
    }
    if (error === null) throw new ConformanceMismatch(`${label}: expected an error, but none was thrown`, Infinity);
    const message = error instanceof Error ? error.message : String(error);
    for (const m of mentions) {
      const ok = typeof m === 'string' ? message.includes(m) : m.test(message);
      if (!ok) throw new ConformanceMismatch(`${label}: the error "${message}" does not mention ${String(m)}`, Infinity);
    }
  }

  /** Frees every tensor the case made or checked. */
  dispose(): void {
    for (const t of this.#owned) t.dispose();
    this.#owned.length = 0;
  }
}

/** |a − e| / (1 + |e|), so that "error ≤ tol" is exactly "|a − e| ≤ tol + tol·|e|"; NaN/Infinity must match. */
function elementError(a: number, e: number): number {
  if (Number.isNaN(e)) return Number.isNaN(a) ? 0 : Infinity;
  if (!Number.isFinite(e)) return a === e ? 0 : Infinity;
  if (!Number.isFinite(a)) return Infinity;
  return Math.abs(a - e) / (1 + Math.abs(e));
}

function formatIndex(flat: number, shape: Shape): string {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = shape[d] === 0 ? 0 : flat % shape[d];
    flat = shape[d] === 0 ? 0 : Math.floor(flat / shape[d]);
  }
  return `[${idx.join(', ')}]`;
}
