import type { Backend, BinaryOp, DataId, FusedAttentionOptions, ReduceOp, RotaryLayout, TensorHandle, UnaryOp } from '../backend';
import { allocate, isPackedDType, type ComputeDType, type DType, type TensorData } from '../dtype';
import { requireWeightKernels, type PackedWeight } from '../weights/weight-kernels';
import { sizeOf, type Shape } from '../shape';
import { BufferPool, type BufferPoolOptions, type BufferPoolStats } from './buffer-pool';
import { WasmKernels, type WasmKernelsOptions } from './wasm/wasm-kernels';
import { binaryKernel, unaryKernel, unaryOutDType, whereKernel } from './elementwise-kernels';
import { attentionKernel } from './attention-kernel';
import { geluKernel, layerNormKernel, rmsNormKernel, rotaryKernel, siluKernel, softmaxKernel } from './fused-kernels';
import { concatKernel, gatherKernel, gatherSize, sliceKernel, transposeKernel, writeSliceKernel } from './layout-kernels';
import { gemm } from './matmul-kernel';
import { reduceKernel } from './reduce-kernel';

/** A CPU storage: the values, and whether the backend allocated them (so may recycle them once disposed). */
class CpuData {
  /** For a weight dtype: the packed bytes as the weight kernels see them. */
  packed: PackedWeight | null = null;
  constructor(
    public values: TensorData,
    readonly owned: boolean,
  ) {}
}

const EMPTY = new Float32Array(0);

/** The packed weight behind a weight-dtype handle. */
function packedOf(x: { dataId: DataId }): PackedWeight {
  return (x.dataId as CpuData).packed!;
}

/** Options of {@link createCpuBackend}. */
export interface CpuBackendOptions {
  /**
   * Reuse the storage of disposed tensors for new outputs of the same size (default on, with the limits of
   * {@link BufferPoolOptions}); `false` allocates every output afresh.
   */
  bufferPool?: BufferPoolOptions | false;
  /**
   * Run a decode step's hot kernels in WebAssembly where available (default on): one row times a weight
   * matrix ([1, k] · [n, k]ᵀ, with SIMD) and fused attention over a KV cache. The weight or cache is copied
   * into WebAssembly memory the second time it is used and the copy kept (and written along with the cache)
   * until the tensor is disposed, so those arrays take twice their size while in use; `maxMirrorBytes` caps
   * that. `false` keeps every kernel in JavaScript.
   */
  wasm?: WasmKernelsOptions | false;
}

function valuesOf(x: TensorHandle): TensorData {
  return (x.dataId as CpuData).values;
}

function floatsOf(x: TensorHandle): Float32Array {
  const v = valuesOf(x);
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

/**
 * The reference backend: plain TypeScript over Float32Arrays, synchronous reads, every fused kernel.
 * Each kernel lives in its own file under `cpu/`; a faster kernel (WebAssembly, threads) replaces one there
 * without touching any caller.
 */
export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly tolerance = 1e-4;
  #live = 0;
  readonly #pool: BufferPool | null;
  readonly #wasm: WasmKernels | null;

  constructor(options: CpuBackendOptions = {}) {
    this.#pool = options.bufferPool === false ? null : new BufferPool(options.bufferPool);
    this.#wasm = options.wasm === false ? null : WasmKernels.create(options.wasm);
  }

  /**
   * What the buffer pool holds and has served (all zeros with `bufferPool: false`).
   *
   * @example
   * ```ts
   * import { CpuBackend, matmul, setBackend, zeros } from '@transformer-kit/tensor';
   * const cpu = new CpuBackend();
   * setBackend(cpu);
   * const x = zeros([128, 128]);
   * matmul(x, x).dispose(); // its 64 KiB go to the pool
   * matmul(x, x).dispose(); // and are reused here
   * console.log(cpu.bufferPoolStats()); // { idleBytes: 65536, reused: 1, allocated: 1 }
   * ```
   */
  bufferPoolStats(): BufferPoolStats {
    return this.#pool?.stats() ?? { idleBytes: 0, reused: 0, allocated: 0 };
  }

  /**
   * Bytes of array copies (weights, KV caches) the WebAssembly kernels hold (0 when they are off or unavailable).
   *
   * @example
   * ```ts
   * import { CpuBackend } from '@transformer-kit/tensor';
   * console.log(new CpuBackend().wasmMirrorBytes()); // 0: nothing multiplied yet
   * ```
   */
  wasmMirrorBytes(): number {
    return this.#wasm?.mirrorBytes ?? 0;
  }

  /** Storage for an output of `size` elements; may hold stale values, so kernels write every element. */
  private out(dtype: DType, size: number): TensorData {
    return this.#pool ? this.#pool.take(dtype as ComputeDType, size) : allocate(dtype, size);
  }
  private outFloat32(size: number): Float32Array {
    return this.out('float32', size) as Float32Array;
  }

  private store(values: TensorData, owned = true): DataId {
    this.#live++;
    return new CpuData(values, owned);
  }

  upload(values: TensorData, shape: Shape, dtype: DType): DataId {
    // a packed weight keeps the caller's bytes (weightTensor checked their length), or the kernels take them
    if (isPackedDType(dtype)) {
      const data = new CpuData(EMPTY, false);
      data.packed = { dtype, bytes: values as Uint8Array, rows: shape[0], cols: shape[1] };
      requireWeightKernels('upload', dtype).adopt?.(data.packed);
      this.#live++;
      return data;
    }
    if (values.length !== sizeOf(shape)) throw new RangeError(`upload: ${values.length} values for shape [${shape.join(', ')}]`);
    const expected = allocate(dtype, 0).constructor;
    // NOTE: the caller's typed array is kept as is (documented on `tensor()`); it is never recycled.
    if (values.constructor === expected) return this.store(values, false);
    return this.store(new (expected as Float32ArrayConstructor)(values) as TensorData);
  }
  read(dataId: DataId, shape: Shape, dtype: DType): Promise<TensorData> {
    return Promise.resolve(this.readSync(dataId, shape, dtype));
  }
  readSync(dataId: DataId, _shape?: Shape, dtype?: DType): TensorData {
    if (dtype && isPackedDType(dtype)) return requireWeightKernels('read', dtype).dequantize(packedOf({ dataId }));
    return (dataId as CpuData).values.slice();
  }
  disposeData(dataId: DataId): void {
    this.#live--;
    const data = dataId as CpuData;
    if (data.packed) requireWeightKernels('dispose', data.packed.dtype).release(data.packed);
    if (this.#wasm && data.values instanceof Float32Array) this.#wasm.forget(data.values);
    if (data.owned && this.#pool) this.#pool.give(data.values);
  }
  liveDataCount(): number {
    return this.#live;
  }
  writeSlice(target: TensorHandle, value: TensorHandle, begin: readonly number[]): void {
    const values = valuesOf(target);
    const written = valuesOf(value);
    writeSliceKernel(values, target.shape, written, value.shape, begin);
    // a copy in WebAssembly memory (a KV cache's) gets the same write
    if (this.#wasm && values instanceof Float32Array && written instanceof Float32Array) this.#wasm.write(values, target.shape, written, value.shape, begin);
  }

  matmul(a: TensorHandle, b: TensorHandle, transposeA: boolean, transposeB: boolean, outShape: Shape): DataId {
    if (isPackedDType(b.dtype)) {
      // x [..., m, k] · Wᵀ, W packed [n, k]: every row of x against W, by the installed weight kernels
      const av = floatsOf(a);
      const w = packedOf(b);
      const out = this.outFloat32(sizeOf(outShape));
      requireWeightKernels('matmul', b.dtype).matmul(av, av.length / w.cols, w, out);
      return this.store(out);
    }
    const av = floatsOf(a);
    const bv = floatsOf(b);
    const rank = outShape.length;
    const m = outShape[rank - 2];
    const n = outShape[rank - 1];
    const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
    const out = this.outFloat32(sizeOf(outShape));
    const batchShape = outShape.slice(0, rank - 2);
    const batches = sizeOf(batchShape);
    // one row times a [n, k] weight (a decode step): the WebAssembly kernel, when it takes it
    if (this.#wasm && m === 1 && batches === 1 && transposeB && !transposeA && av.length === k && this.#wasm.multiply(av, bv, out, n, k)) {
      return this.store(out);
    }
    const aBatch = batchOffsets(a.shape.slice(0, -2), batchShape, m * k);
    const bBatch = batchOffsets(b.shape.slice(0, -2), batchShape, k * n);
    for (let i = 0; i < batches; i++) {
      gemm(av, aBatch(i), transposeA, bv, bBatch(i), transposeB, out, i * m * n, m, n, k);
    }
    return this.store(out);
  }
  unary(op: UnaryOp, x: TensorHandle): DataId {
    const xv = valuesOf(x);
    return this.store(unaryKernel(op, xv, this.out(unaryOutDType(op), xv.length)));
  }
  binary(op: BinaryOp, a: TensorHandle, b: TensorHandle, outShape: Shape, outDType: DType): DataId {
    return this.store(binaryKernel(op, valuesOf(a), a.shape, valuesOf(b), b.shape, outShape, outDType, this.out(outDType, sizeOf(outShape))));
  }
  reduce(op: ReduceOp, x: TensorHandle, axis: number): DataId {
    return this.store(reduceKernel(op, valuesOf(x), x.shape, axis));
  }
  gather(table: TensorHandle, indices: TensorHandle, axis: number): DataId {
    const ids = valuesOf(indices);
    if (isPackedDType(table.dtype)) {
      const w = packedOf(table);
      const out = this.outFloat32(ids.length * w.cols);
      requireWeightKernels('gather', table.dtype).gatherRows(w, ids, out);
      return this.store(out);
    }
    const out = this.out(table.dtype, gatherSize(table.shape, ids.length, axis));
    return this.store(gatherKernel(valuesOf(table), table.shape, ids, axis, table.dtype, out));
  }
  transpose(x: TensorHandle, perm: readonly number[]): DataId {
    const xv = valuesOf(x);
    return this.store(transposeKernel(xv, x.shape, perm, x.dtype, this.out(x.dtype, xv.length)));
  }
  slice(x: TensorHandle, begin: readonly number[], size: readonly number[]): DataId {
    return this.store(sliceKernel(valuesOf(x), x.shape, begin, size, x.dtype, this.out(x.dtype, sizeOf(size))));
  }
  concat(xs: readonly TensorHandle[], axis: number, outShape: Shape): DataId {
    const parts = xs.map((x) => ({ data: valuesOf(x), shape: x.shape }));
    return this.store(concatKernel(parts, axis, outShape, xs[0].dtype, this.out(xs[0].dtype, sizeOf(outShape))));
  }
  where(cond: TensorHandle, a: TensorHandle, b: TensorHandle, outShape: Shape): DataId {
    const out = this.out(a.dtype, sizeOf(outShape));
    return this.store(whereKernel(valuesOf(cond), cond.shape, valuesOf(a), a.shape, valuesOf(b), b.shape, outShape, a.dtype, out));
  }
  cast(x: TensorHandle, dtype: DType): DataId {
    if (isPackedDType(x.dtype)) return this.store(requireWeightKernels('cast', x.dtype).dequantize(packedOf(x)));
    if (isPackedDType(dtype)) throw new TypeError(`cast: cannot encode ${x.dtype} as ${dtype}`);
    const src = valuesOf(x);
    const out = this.out(dtype, src.length);
    if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
    else if (dtype === 'int32') for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]);
    else out.set(src);
    return this.store(out);
  }

  softmax(x: TensorHandle): DataId {
    const xv = floatsOf(x);
    return this.store(softmaxKernel(xv, x.shape[x.shape.length - 1], this.outFloat32(xv.length)));
  }
  layerNorm(x: TensorHandle, gamma: TensorHandle | null, beta: TensorHandle | null, eps: number): DataId {
    const xv = floatsOf(x);
    const out = this.outFloat32(xv.length);
    return this.store(layerNormKernel(xv, x.shape[x.shape.length - 1], gamma && floatsOf(gamma), beta && floatsOf(beta), eps, out));
  }
  rmsNorm(x: TensorHandle, gamma: TensorHandle | null, eps: number): DataId {
    const xv = floatsOf(x);
    return this.store(rmsNormKernel(xv, x.shape[x.shape.length - 1], gamma && floatsOf(gamma), eps, this.outFloat32(xv.length)));
  }
  gelu(x: TensorHandle, approximate: 'none' | 'tanh'): DataId {
    const xv = floatsOf(x);
    return this.store(geluKernel(xv, approximate, this.outFloat32(xv.length)));
  }
  silu(x: TensorHandle): DataId {
    const xv = floatsOf(x);
    return this.store(siluKernel(xv, this.outFloat32(xv.length)));
  }
  rotary(x: TensorHandle, cos: TensorHandle, sin: TensorHandle, layout: RotaryLayout): DataId {
    const xv = floatsOf(x);
    const out = this.outFloat32(xv.length);
    return this.store(rotaryKernel(xv, x.shape, floatsOf(cos), floatsOf(sin), cos.shape[cos.shape.length - 1], layout, out));
  }
  attention(q: TensorHandle, k: TensorHandle, v: TensorHandle, options: FusedAttentionOptions): DataId {
    const out = this.outFloat32(sizeOf(q.shape));
    const [qv, kv, vv] = [floatsOf(q), floatsOf(k), floatsOf(v)];
    if (this.#wasm?.attention(qv, q.shape, kv, vv, k.shape, options, out)) return this.store(out);
    return this.store(attentionKernel(qv, q.shape, kv, vv, k.shape, options, out));
  }
}

/** Maps an output batch index to the element offset of an operand whose batch dims broadcast to `batchShape`. */
function batchOffsets(own: Shape, batchShape: Shape, matrixSize: number): (i: number) => number {
  const rank = batchShape.length;
  if (sizeOf(own) === sizeOf(batchShape) && own.length === rank) return (i) => i * matrixSize;
  if (sizeOf(own) === 1) return () => 0;
  const strides = new Array<number>(rank).fill(0);
  let s = matrixSize;
  for (let d = own.length - 1; d >= 0; d--) {
    const o = rank - own.length + d;
    strides[o] = own[d] === 1 ? 0 : s;
    s *= own[d];
  }
  return (i) => {
    let off = 0;
    for (let d = rank - 1; d >= 0; d--) {
      off += (i % batchShape[d]) * strides[d];
      i = Math.floor(i / batchShape[d]);
    }
    return off;
  };
}

/**
 * Creates the CPU reference backend. By default it recycles the storage of disposed tensors (up to 64 MiB
 * idle, 8 buffers per size) for later outputs of the same size; pass `{ bufferPool: false }` to turn that off
 * or `{ bufferPool: { maxBytes } }` to change the limits.
 *
 * @example
 * ```ts
 * import { createCpuBackend, setBackend } from '@transformer-kit/tensor';
 * setBackend(createCpuBackend());
 * const plain = createCpuBackend({ bufferPool: false }); // every output a fresh Float32Array
 * ```
 */
export function createCpuBackend(options: CpuBackendOptions = {}): Backend {
  return new CpuBackend(options);
}
