import type { Backend, DataId, TensorHandle } from './backend';
import type { DType, TensorData } from './dtype';
import { trackTensor, untrackTensor } from './engine';
import { formatShape, sizeOf, type Shape } from './shape';

/** One block of backend storage, shared by a tensor and its reshaped views; freed when the last one is disposed. */
class Storage {
  refs = 1;
  constructor(
    readonly backend: Backend,
    readonly dataId: DataId,
  ) {}
  release(): void {
    if (--this.refs === 0) this.backend.disposeData(this.dataId);
  }
}

/**
 * An n-dimensional array whose data lives in a backend (a Float32Array on the CPU, a texture on the GPU).
 * Tensors are immutable: ops return new tensors. Reading is explicit: `await t.data()`.
 * Create tensors with `tensor()`, `zeros()`, `arange()`... rather than with `new`.
 *
 * @example
 * ```ts
 * import { tensor, matmul } from '@transformer-kit/tensor';
 * const a = tensor([1, 2, 3, 4], [2, 2]);
 * const b = matmul(a, a); // [2, 2]
 * console.log(Array.from(await b.data())); // [7, 10, 15, 22]
 * a.dispose();
 * b.dispose();
 * ```
 */
export class Tensor implements TensorHandle {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  #storage: Storage | null;

  /** @internal Use the creation functions (`tensor`, `zeros`, ...) or `Tensor.fromDataId`. */
  private constructor(storage: Storage, shape: Shape, dtype: DType, ownShape = false) {
    this.#storage = storage;
    // NOTE: a private copy, typed readonly; not Object.freeze: freezing cost ~10% of a small op. The ops pass
    // arrays nobody else writes (made for the result, or another tensor's readonly shape) and skip the copy.
    this.shape = ownShape ? shape : shape.slice();
    this.dtype = dtype;
    this.size = sizeOf(shape);
    trackTensor(this);
  }

  /**
   * Wraps a storage a backend just produced. This is how ops (and backends' own helpers) make tensors.
   *
   * @example
   * ```ts
   * import { Tensor, getBackend } from '@transformer-kit/tensor';
   * const backend = getBackend();
   * const t = Tensor.fromDataId(backend, backend.upload(new Float32Array([1, 2]), [2], 'float32'), [2], 'float32');
   * ```
   */
  static fromDataId(backend: Backend, dataId: DataId, shape: Shape, dtype: DType): Tensor {
    return new Tensor(new Storage(backend, dataId), shape, dtype);
  }

  /**
   * @internal `fromDataId` for the ops, whose `shape` is an array nobody writes (made for the result, or
   * another tensor's readonly shape): the tensor keeps it instead of a copy.
   */
  static fromOwnedShape(backend: Backend, dataId: DataId, shape: Shape, dtype: DType): Tensor {
    return new Tensor(new Storage(backend, dataId), shape, dtype, true);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** The backend that holds this tensor's data. */
  get backend(): Backend {
    return this.storage.backend;
  }

  /** The backend's handle to the data. */
  get dataId(): DataId {
    return this.storage.dataId;
  }

  /** True once `dispose()` was called. */
  get isDisposed(): boolean {
    return this.#storage === null;
  }

  private get storage(): Storage {
    if (this.#storage === null) throw new Error(`Tensor ${formatShape(this.shape)} ${this.dtype} was used after dispose()`);
    return this.#storage;
  }

  /**
   * Reads the values back to the host, row-major.
   *
   * @example
   * ```ts
   * import { tensor } from '@transformer-kit/tensor';
   * console.log(await tensor([1, 2], [2]).data()); // Float32Array [1, 2]
   * ```
   */
  data(): Promise<TensorData> {
    const s = this.storage;
    return s.backend.read(s.dataId, this.shape, this.dtype);
  }

  /**
   * Reads the values synchronously; throws on a backend that can only read asynchronously.
   *
   * @example
   * ```ts
   * import { tensor } from '@transformer-kit/tensor';
   * console.log(tensor([1, 2], [2]).dataSync()); // Float32Array [1, 2]
   * ```
   */
  dataSync(): TensorData {
    const s = this.storage;
    if (!s.backend.readSync) throw new Error(`Backend '${s.backend.name}' cannot read synchronously: use await tensor.data()`);
    return s.backend.readSync(s.dataId, this.shape, this.dtype);
  }

  /**
   * The values as nested arrays (for printing and tests).
   *
   * @example
   * ```ts
   * import { tensor } from '@transformer-kit/tensor';
   * console.log(await tensor([1, 2, 3, 4], [2, 2]).array()); // [[1, 2], [3, 4]]
   * ```
   */
  async array(): Promise<unknown> {
    const flat = Array.from(await this.data());
    const build = (dim: number, offset: number): unknown => {
      if (dim === this.shape.length) return flat[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /**
   * A view with another shape over the same data (no copy). One dimension may be -1 (inferred).
   *
   * @example
   * ```ts
   * import { arange } from '@transformer-kit/tensor';
   * const m = arange(6).reshape([2, -1]); // [2, 3]
   * ```
   */
  reshape(shape: readonly number[]): Tensor {
    const resolved = resolveReshape(this.shape, shape);
    const s = this.storage;
    s.refs++;
    return new Tensor(s, resolved, this.dtype, true);
  }

  /**
   * Frees this tensor (its storage is freed when no view shares it). Safe to call twice.
   *
   * @example
   * ```ts
   * import { tensor } from '@transformer-kit/tensor';
   * const t = tensor([1], [1]);
   * t.dispose();
   * ```
   */
  dispose(): void {
    if (this.#storage === null) return;
    this.#storage.release();
    this.#storage = null;
    untrackTensor();
  }

  /** `Tensor [2, 3] float32 on cpu` */
  toString(): string {
    return `Tensor ${formatShape(this.shape)} ${this.dtype}${this.#storage ? ` on ${this.#storage.backend.name}` : ' (disposed)'}`;
  }
}

function resolveReshape(from: Shape, to: readonly number[]): number[] {
  const size = sizeOf(from);
  const out = to.slice();
  // the common case in one pass: no -1, valid dimensions, the same size (reshape runs several times a decode step)
  let product = 1;
  let plain = true;
  for (let i = 0; i < out.length && plain; i++) {
    const d = out[i];
    plain = Number.isInteger(d) && d >= 0;
    product *= d;
  }
  if (plain && product === size) return out;
  const inferred = out.indexOf(-1);
  if (inferred !== out.lastIndexOf(-1)) throw new RangeError(`reshape to ${formatShape(to)}: only one dimension can be -1`);
  if (inferred >= 0) {
    const known = sizeOf(out.filter((_, i) => i !== inferred));
    if (known === 0 || size % known !== 0) {
      throw new RangeError(`Cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(to)}`);
    }
    out[inferred] = size / known;
  }
  for (const d of out) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`reshape to ${formatShape(to)}: invalid dimension ${d}`);
  }
  if (sizeOf(out) !== size) throw new RangeError(`Cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(to)} (${sizeOf(out)} elements)`);
  return out;
}

/**
 * True for a Tensor.
 *
 * @example
 * ```ts
 * import { isTensor, tensor } from '@transformer-kit/tensor';
 * isTensor(tensor([1], [1])); // true
 * ```
 */
export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}
