import type { Backend, BinaryOp, DataId, FusedAttentionOptions, ReduceOp, RotaryLayout, TensorHandle, UnaryOp } from '../backend';
import { isPackedDType, type ComputeDType, type DType, type TensorData } from '../dtype';
import { requireWeightKernels, type HeapWeightKernels, type PackedWeight, type WeightKernels } from '../weights/weight-kernels';
import { sizeOf, type Shape } from '../shape';
import { Heap, type HeapOptions, type HeapStats } from './heap/heap';
import { CpuData } from './heap/cpu-data';
import { CpuEngine } from './engine/cpu-engine';
import { resolveThreads } from './engine/default-threads';
import { WasmOps } from './engine/wasm-ops';
import { binaryKernel, unaryKernel, unaryOutDType, whereKernel } from './elementwise-kernels';
import { attentionKernel } from './attention-kernel';
import { geluKernel, layerNormKernel, rmsNormKernel, rotaryKernel, siluKernel, softmaxKernel } from './fused-kernels';
import { concatKernel, gatherKernel, gatherSize, sliceKernel, transposeKernel, writeSliceKernel } from './layout-kernels';
import { gemm } from './matmul-kernel';
import { reduceKernel } from './reduce-kernel';

/** The packed weight behind a weight-dtype handle. */
function packedOf(x: { dataId: DataId }): PackedWeight {
  return (x.dataId as CpuData).packed!;
}

/** What a reused block is filled with under `heap: { poison: true }`: NaN, INT32_MIN, 0xAB bytes. */
const POISON: Record<ComputeDType, number> = { float32: 0x7fc00000, int32: 0x80000000, bool: 0xabababab };

/** Options of {@link createCpuBackend}. */
export interface CpuBackendOptions {
  /**
   * The backend's WebAssembly memory, where every tensor it holds lives: its size at start, its limit (4 GiB
   * at most, the wasm32 address space), `advise` (huge pages in Node on Linux), and test hooks (`shared: false`, `poison`). See {@link HeapOptions}.
   */
  heap?: HeapOptions;
  /**
   * Threads the big kernels (matmul, attention, norms and elementwise ops over large tensors) split across:
   * `'auto'` (default) = the machine's parallelism; 1 where SharedArrayBuffer is missing (a page without
   * cross-origin isolation) whatever is asked, and 1 with `wasm: false` (the TypeScript kernels run on the
   * calling thread). Results are bit-for-bit the same for any count.
   */
  threads?: number | 'auto';
  /** `false` keeps every kernel in TypeScript (default: WebAssembly SIMD kernels where the runtime has them). */
  wasm?: false;
}

function valuesOf(x: TensorHandle): TensorData {
  return (x.dataId as CpuData).values;
}

function floatsOf(x: TensorHandle): Float32Array {
  const v = valuesOf(x);
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

/** What the CPU engine is and has done (`CpuBackend#engineStats()`). */
export interface EngineStats {
  /** Threads the kernels may split across (1: all on the calling thread). */
  threads: number;
  /** Bytes of the heap (the backend's WebAssembly memory). */
  heapBytes: number;
  /** Bytes of the heap in tensors and scratch in use. */
  heapUsedBytes: number;
  /** Bytes of the heap its `advise` option advised (huge pages, with `@transformer-kit/tensor/node`); 0 without one. */
  heapAdvisedBytes: number;
  /** Kernel calls that were split across threads. */
  parallelRuns: number;
  /** Workers (not counting the calling thread) that have run at least one chunk so far. */
  workersUsed: number;
  /**
   * Workers started and waiting for work: 0 until the first kernel call that splits starts them (they start
   * asynchronously, so the first calls may run on the calling thread alone), then `threads - 1`.
   */
  workersAlive: number;
}

/**
 * The CPU backend: every tensor in one WebAssembly memory (the heap), kernels in TypeScript over views of
 * it; synchronous reads, every fused kernel. Each kernel lives in its own file under `cpu/`; a faster
 * kernel (WebAssembly, threads) replaces one there without touching any caller.
 *
 * A kernel allocates its output BEFORE it takes views of its inputs: an allocation may grow the heap, and
 * growing a non-shared memory detaches every view made before (CpuData re-makes its own on next use).
 */
export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly tolerance = 1e-4;
  #live = 0;
  readonly #heap: Heap;
  readonly #engine: CpuEngine;
  readonly #wasm: WasmOps | null;
  /** The installed packed-weight kernels this backend bound to its heap (asked once per installed set). */
  #heapWeights: { from: WeightKernels; kernels: HeapWeightKernels | null; module: number } | null = null;

  constructor(options: CpuBackendOptions = {}) {
    const threads = resolveThreads(options.threads);
    this.#heap = new Heap(options.heap);
    this.#engine = new CpuEngine(this.#heap, threads, options.wasm !== false);
    this.#wasm = this.#engine.kernels ? new WasmOps(this.#engine, this.#engine.kernels) : null;
  }

  /**
   * Ends the worker threads (the backend stays usable, on the calling thread).
   *
   * @example
   * ```ts
   * import { CpuBackend } from '@transformer-kit/tensor';
   * const cpu = new CpuBackend({ threads: 2 });
   * cpu.destroy();
   * ```
   */
  destroy(): void {
    this.#engine.destroy();
  }

  /**
   * The heap's figures: its size, bytes in use and idle, and how many allocations reused a freed block.
   *
   * @example
   * ```ts
   * import { CpuBackend, matmul, setBackend, zeros } from '@transformer-kit/tensor';
   * const cpu = new CpuBackend();
   * setBackend(cpu);
   * const x = zeros([128, 128]);
   * matmul(x, x).dispose(); // its 64 KiB go back to the heap's free list
   * const before = cpu.heapStats().reused;
   * matmul(x, x).dispose(); // and are reused here
   * console.log(cpu.heapStats().reused - before); // 1
   * ```
   */
  heapStats(): HeapStats {
    return this.#heap.stats();
  }

  /**
   * Threads, heap size and use, and how many kernel calls ran split across threads.
   *
   * @example
   * ```ts
   * import { CpuBackend } from '@transformer-kit/tensor';
   * const { threads, heapBytes } = new CpuBackend().engineStats();
   * console.log(threads >= 1, heapBytes > 0); // true true
   * ```
   */
  engineStats(): EngineStats {
    const heap = this.#heap.stats();
    const { threads, parallelRuns, workersUsed, workersAlive } = this.#engine.stats();
    return { threads, heapBytes: heap.heapBytes, heapUsedBytes: heap.usedBytes, heapAdvisedBytes: heap.advisedBytes, parallelRuns, workersUsed, workersAlive };
  }

  /** A new storage of `size` elements; may hold stale values, so kernels write every element. */
  private out(dtype: ComputeDType, size: number): CpuData {
    return new CpuData(this.#heap, dtype, size, POISON[dtype]);
  }
  private outFloat32(size: number): CpuData {
    return this.out('float32', size);
  }

  private store(data: CpuData): DataId {
    this.#live++;
    return data;
  }

  /** Stores values a kernel computed outside the heap (a copy). */
  private storeCopy(values: TensorData, dtype: ComputeDType): DataId {
    const data = this.out(dtype, values.length);
    data.values.set(values);
    return this.store(data);
  }

  upload(values: TensorData, shape: Shape, dtype: DType): DataId {
    if (isPackedDType(dtype)) {
      // the packed bytes (weightTensor checked their length) are copied into the heap, where the kernels read them;
      // no kernels installed is an error here, naming what to call, not later at the first matmul or dispose
      // (or, straight from the caller's bytes, into a layout the installed kernels compute faster in: no second copy)
      const layout = requireWeightKernels('upload', dtype).layout?.(dtype, shape[0], shape[1]);
      const data = new CpuData(this.#heap, 'bytes', layout?.bytes ?? values.length);
      if (layout) layout.write(values as Uint8Array, data.values as Uint8Array);
      else (data.values as Uint8Array).set(values);
      data.packed = packedWeightOf(data, dtype, shape, layout?.name);
      this.#live++;
      return data;
    }
    if (values.length !== sizeOf(shape)) throw new RangeError(`upload: ${values.length} values for shape [${shape.join(', ')}]`);
    // NOTE: a copy into the heap: the caller's array is not kept (writing to it later changes nothing)
    return this.storeCopy(values, dtype);
  }
  read(dataId: DataId, shape: Shape, dtype: DType): Promise<TensorData> {
    return Promise.resolve(this.readSync(dataId, shape, dtype));
  }
  readSync(dataId: DataId, _shape?: Shape, dtype?: DType): TensorData {
    if (dtype && isPackedDType(dtype)) return requireWeightKernels('read', dtype).dequantize(packedOf({ dataId }));
    return (dataId as CpuData).values.slice(); // a copy out of the heap, into a plain (non-shared) buffer
  }
  disposeData(dataId: DataId): void {
    this.#live--;
    const data = dataId as CpuData;
    if (data.packed) requireWeightKernels('dispose', data.packed.dtype).release(data.packed);
    data.free();
  }
  liveDataCount(): number {
    return this.#live;
  }
  writeSlice(target: TensorHandle, value: TensorHandle, begin: readonly number[]): void {
    const [t, v] = [target.dataId as CpuData, value.dataId as CpuData];
    // 4-byte elements: word copies within the heap (a KV cache append, twice per layer and token)
    if (t.kind !== 'bool' && t.kind !== 'bytes' && t.kind === v.kind) {
      const words = this.#heap.i32;
      writeSliceKernel(words, t.ptr >>> 2, target.shape, words, v.ptr >>> 2, value.shape, begin); // >>>: a heap past 2 GiB
    } else {
      writeSliceKernel(valuesOf(target), 0, target.shape, valuesOf(value), 0, value.shape, begin);
    }
  }

  matmul(a: TensorHandle, b: TensorHandle, transposeA: boolean, transposeB: boolean, outShape: Shape): DataId {
    const out = this.outFloat32(sizeOf(outShape));
    if (isPackedDType(b.dtype)) {
      // x [..., m, k] · Wᵀ, W packed [n, k]: every row of x against W, by the installed weight kernels
      const w = packedOf(b);
      const installed = requireWeightKernels('matmul', b.dtype);
      if (a.dtype === 'float32' && this.#packedMatmul(installed, a, w, out)) return this.store(out);
      const av = floatsOf(a);
      installed.matmul(av, av.length / w.cols, w, out.values as Float32Array);
      return this.store(out);
    }
    if (this.#wasm?.matmul(a, b, transposeA, transposeB, outShape, out, batchOffsets)) return this.store(out);
    const av = floatsOf(a);
    const bv = floatsOf(b);
    const ov = out.values as Float32Array;
    const rank = outShape.length;
    const m = outShape[rank - 2];
    const n = outShape[rank - 1];
    const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
    const batchShape = outShape.slice(0, rank - 2);
    const batches = sizeOf(batchShape);
    const aBatch = batchOffsets(a.shape.slice(0, -2), batchShape, m * k);
    const bBatch = batchOffsets(b.shape.slice(0, -2), batchShape, k * n);
    for (let i = 0; i < batches; i++) {
      gemm(av, aBatch(i), transposeA, bv, bBatch(i), transposeB, ov, i * m * n, m, n, k);
    }
    return this.store(out);
  }
  /** y = x · Wᵀ by packed-weight kernels on this heap, in place, split over threads; false when none cover W. */
  #packedMatmul(installed: WeightKernels, a: TensorHandle, w: PackedWeight, out: CpuData): boolean {
    if (this.#heapWeights?.from !== installed) {
      const kernels = this.#engine.kernels ? (installed.onHeap?.(this.#heap.memory, this.#heap.shared) ?? null) : null;
      this.#heapWeights = { from: installed, kernels, module: kernels && this.#engine.threads > 1 ? this.#engine.addModule(kernels.module) : -1 };
    }
    const { kernels, module } = this.#heapWeights;
    const { rows: n, cols: k } = w;
    if (kernels === null || !kernels.covers(w.dtype, k, w.layout)) return false;
    const m = (a.dataId as CpuData).length / k;
    const actBytes = kernels.activationBytes(m, k);
    const act = this.#heap.alloc(actBytes);
    try {
      const args = kernels.prepare(w, (a.dataId as CpuData).ptr, m, act, out.ptr);
      const grain = module >= 0 ? this.#engine.grain(n, m * k) : 0;
      if (grain > 0) this.#engine.splitModule(module, kernels.kernel, args, n, grain);
      else kernels.run(args, this.#engine.scratch, 0, n);
    } finally {
      this.#heap.free(act, actBytes);
    }
    return true;
  }

  unary(op: UnaryOp, x: TensorHandle): DataId {
    const out = this.out(unaryOutDType(op) as ComputeDType, (x.dataId as CpuData).length);
    unaryKernel(op, valuesOf(x), out.values);
    return this.store(out);
  }
  binary(op: BinaryOp, a: TensorHandle, b: TensorHandle, outShape: Shape, outDType: DType): DataId {
    const out = this.out(outDType as ComputeDType, sizeOf(outShape));
    if (this.#wasm?.binary(op, a, b, outShape, out)) return this.store(out);
    binaryKernel(op, valuesOf(a), a.shape, valuesOf(b), b.shape, outShape, outDType, out.values);
    return this.store(out);
  }
  reduce(op: ReduceOp, x: TensorHandle, axis: number): DataId {
    // argmax over the last axis (a greedy step's logits): a SIMD kernel, ~10× the TypeScript loop over 32000 words
    if (op === 'argmax' && this.#wasm && x.shape[axis] > 0) {
      const out = this.out('int32', (x.dataId as CpuData).length / x.shape[axis]);
      if (this.#wasm.argmaxLast(x, axis, out)) return this.store(out);
      out.free();
    }
    const result = reduceKernel(op, valuesOf(x), x.shape, axis);
    return this.storeCopy(result, (result instanceof Int32Array ? 'int32' : 'float32'));
  }
  gather(table: TensorHandle, indices: TensorHandle, axis: number): DataId {
    const count = (indices.dataId as CpuData).length;
    if (isPackedDType(table.dtype)) {
      const w = packedOf(table);
      const out = this.outFloat32(count * w.cols);
      requireWeightKernels('gather', table.dtype).gatherRows(w, valuesOf(indices), out.values as Float32Array);
      return this.store(out);
    }
    const out = this.out(table.dtype as ComputeDType, gatherSize(table.shape, count, axis));
    gatherKernel(valuesOf(table), table.shape, valuesOf(indices), axis, table.dtype, out.values);
    return this.store(out);
  }
  transpose(x: TensorHandle, perm: readonly number[]): DataId {
    const out = this.out(x.dtype as ComputeDType, (x.dataId as CpuData).length);
    transposeKernel(valuesOf(x), x.shape, perm, x.dtype, out.values);
    return this.store(out);
  }
  slice(x: TensorHandle, begin: readonly number[], size: readonly number[]): DataId {
    const out = this.out(x.dtype as ComputeDType, sizeOf(size));
    sliceKernel(valuesOf(x), x.shape, begin, size, x.dtype, out.values);
    return this.store(out);
  }
  concat(xs: readonly TensorHandle[], axis: number, outShape: Shape): DataId {
    const out = this.out(xs[0].dtype as ComputeDType, sizeOf(outShape));
    const parts = xs.map((x) => ({ data: valuesOf(x), shape: x.shape }));
    concatKernel(parts, axis, outShape, xs[0].dtype, out.values);
    return this.store(out);
  }
  where(cond: TensorHandle, a: TensorHandle, b: TensorHandle, outShape: Shape): DataId {
    const out = this.out(a.dtype as ComputeDType, sizeOf(outShape));
    whereKernel(valuesOf(cond), cond.shape, valuesOf(a), a.shape, valuesOf(b), b.shape, outShape, a.dtype, out.values);
    return this.store(out);
  }
  cast(x: TensorHandle, dtype: DType): DataId {
    if (isPackedDType(x.dtype)) return this.storeCopy(requireWeightKernels('cast', x.dtype).dequantize(packedOf(x)), 'float32');
    if (isPackedDType(dtype)) throw new TypeError(`cast: cannot encode ${x.dtype} as ${dtype}`);
    const data = this.out(dtype, (x.dataId as CpuData).length);
    const src = valuesOf(x);
    const out = data.values;
    if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
    else if (dtype === 'int32') for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]);
    else out.set(src);
    return this.store(data);
  }

  softmax(x: TensorHandle): DataId {
    const out = this.outFloat32((x.dataId as CpuData).length);
    if (this.#wasm?.softmax(x, out)) return this.store(out);
    softmaxKernel(floatsOf(x), x.shape[x.shape.length - 1], out.values as Float32Array);
    return this.store(out);
  }
  layerNorm(x: TensorHandle, gamma: TensorHandle | null, beta: TensorHandle | null, eps: number): DataId {
    const out = this.outFloat32((x.dataId as CpuData).length);
    if (this.#wasm?.layerNorm(x, gamma, beta, eps, out)) return this.store(out);
    layerNormKernel(floatsOf(x), x.shape[x.shape.length - 1], gamma && floatsOf(gamma), beta && floatsOf(beta), eps, out.values as Float32Array);
    return this.store(out);
  }
  rmsNorm(x: TensorHandle, gamma: TensorHandle | null, eps: number): DataId {
    const out = this.outFloat32((x.dataId as CpuData).length);
    if (this.#wasm?.rmsNorm(x, gamma, eps, out)) return this.store(out);
    rmsNormKernel(floatsOf(x), x.shape[x.shape.length - 1], gamma && floatsOf(gamma), eps, out.values as Float32Array);
    return this.store(out);
  }
  gelu(x: TensorHandle, approximate: 'none' | 'tanh'): DataId {
    const out = this.outFloat32((x.dataId as CpuData).length);
    if (this.#wasm?.gelu(x, approximate, out)) return this.store(out);
    geluKernel(floatsOf(x), approximate, out.values as Float32Array);
    return this.store(out);
  }
  silu(x: TensorHandle): DataId {
    const out = this.outFloat32((x.dataId as CpuData).length);
    if (this.#wasm?.silu(x, out)) return this.store(out);
    siluKernel(floatsOf(x), out.values as Float32Array);
    return this.store(out);
  }
  swiglu(gate: TensorHandle, up: TensorHandle): DataId {
    const out = this.outFloat32((gate.dataId as CpuData).length);
    if (this.#wasm?.swiglu(gate, up, out)) return this.store(out);
    const o = out.values as Float32Array;
    siluKernel(floatsOf(gate), o);
    const u = floatsOf(up);
    for (let i = 0; i < o.length; i++) o[i] *= u[i]; // float32 product of the float32 silu, as mul(silu(gate), up)
    return this.store(out);
  }
  rotary(x: TensorHandle, cos: TensorHandle, sin: TensorHandle, layout: RotaryLayout): DataId {
    const out = this.outFloat32((x.dataId as CpuData).length);
    if (this.#wasm?.rotary(x, cos, sin, layout, out)) return this.store(out);
    rotaryKernel(floatsOf(x), x.shape, floatsOf(cos), floatsOf(sin), cos.shape[cos.shape.length - 1], layout, out.values as Float32Array);
    return this.store(out);
  }
  attention(q: TensorHandle, k: TensorHandle, v: TensorHandle, options: FusedAttentionOptions): DataId {
    const out = this.outFloat32(sizeOf(q.shape));
    if (this.#wasm?.attention(q, k, v, options, out)) return this.store(out);
    attentionKernel(floatsOf(q), q.shape, floatsOf(k), floatsOf(v), k.shape, options, out.values as Float32Array);
    return this.store(out);
  }
}

/** A packed weight whose bytes are a heap block (a view made afresh when the heap's memory was replaced). */
function packedWeightOf(data: CpuData, dtype: PackedWeight['dtype'], shape: Shape, layout: string | undefined): PackedWeight {
  return {
    dtype,
    layout,
    rows: shape[0],
    cols: shape[1],
    get bytes() {
      return data.values as Uint8Array;
    },
    address: { memory: data.heap.memory, ptr: data.ptr },
  };
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
 * Creates the CPU backend. Its tensors live in one WebAssembly memory that grows as needed, up to
 * `heap.maxBytes` (default and most 4 GiB); a freed tensor's block is reused by the next one of its size class.
 * Big kernels split over `threads` worker threads (default `'auto'`: the machine's parallelism).
 *
 * @example
 * ```ts
 * import { createCpuBackend, setBackend } from '@transformer-kit/tensor';
 * const cpu = createCpuBackend({ threads: 2 });
 * setBackend(cpu);
 * console.log(cpu.engineStats().threads); // 2
 * const small = createCpuBackend({ heap: { maxBytes: 64 << 20 } }); // refuses tensors past 64 MiB in total
 * cpu.destroy();
 * ```
 */
export function createCpuBackend(options: CpuBackendOptions = {}): CpuBackend {
  return new CpuBackend(options);
}
