import type { Backend, BinaryOp, DataId, FusedAttentionOptions, ReduceOp, RotaryLayout, TensorHandle, UnaryOp } from '../backend';
import { allocate, type DType, type TensorData } from '../dtype';
import { sizeOf, type Shape } from '../shape';
import { binaryKernel, unaryKernel, whereKernel } from './elementwise-kernels';
import { attentionKernel } from './attention-kernel';
import { geluKernel, layerNormKernel, rmsNormKernel, rotaryKernel, siluKernel, softmaxKernel } from './fused-kernels';
import { concatKernel, gatherKernel, sliceKernel, transposeKernel, writeSliceKernel } from './layout-kernels';
import { gemm } from './matmul-kernel';
import { reduceKernel } from './reduce-kernel';

/** A CPU storage: just the values. */
class CpuData {
  constructor(public values: TensorData) {}
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

  private store(values: TensorData): DataId {
    this.#live++;
    return new CpuData(values);
  }

  upload(values: TensorData, shape: Shape, dtype: DType): DataId {
    if (values.length !== sizeOf(shape)) throw new RangeError(`upload: ${values.length} values for shape [${shape.join(', ')}]`);
    const expected = allocate(dtype, 0).constructor;
    return this.store(values.constructor === expected ? values : (new (expected as Float32ArrayConstructor)(values) as TensorData));
  }
  read(dataId: DataId, shape: Shape, dtype: DType): Promise<TensorData> {
    return Promise.resolve(this.readSync(dataId, shape, dtype));
  }
  readSync(dataId: DataId, _shape?: Shape, _dtype?: DType): TensorData {
    return (dataId as CpuData).values.slice();
  }
  disposeData(_dataId: DataId): void {
    this.#live--;
  }
  liveDataCount(): number {
    return this.#live;
  }
  writeSlice(target: TensorHandle, value: TensorHandle, begin: readonly number[]): void {
    writeSliceKernel(valuesOf(target), target.shape, valuesOf(value), value.shape, begin);
  }

  matmul(a: TensorHandle, b: TensorHandle, transposeA: boolean, transposeB: boolean, outShape: Shape): DataId {
    const av = floatsOf(a);
    const bv = floatsOf(b);
    const rank = outShape.length;
    const m = outShape[rank - 2];
    const n = outShape[rank - 1];
    const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
    const out = new Float32Array(sizeOf(outShape));
    const batchShape = outShape.slice(0, rank - 2);
    const batches = sizeOf(batchShape);
    const aBatch = batchOffsets(a.shape.slice(0, -2), batchShape, m * k);
    const bBatch = batchOffsets(b.shape.slice(0, -2), batchShape, k * n);
    for (let i = 0; i < batches; i++) {
      gemm(av, aBatch(i), transposeA, bv, bBatch(i), transposeB, out, i * m * n, m, n, k);
    }
    return this.store(out);
  }
  unary(op: UnaryOp, x: TensorHandle): DataId {
    return this.store(unaryKernel(op, valuesOf(x)));
  }
  binary(op: BinaryOp, a: TensorHandle, b: TensorHandle, outShape: Shape, outDType: DType): DataId {
    return this.store(binaryKernel(op, valuesOf(a), a.shape, valuesOf(b), b.shape, outShape, outDType));
  }
  reduce(op: ReduceOp, x: TensorHandle, axis: number): DataId {
    return this.store(reduceKernel(op, valuesOf(x), x.shape, axis));
  }
  gather(table: TensorHandle, indices: TensorHandle, axis: number): DataId {
    return this.store(gatherKernel(valuesOf(table), table.shape, valuesOf(indices), axis, table.dtype));
  }
  transpose(x: TensorHandle, perm: readonly number[]): DataId {
    return this.store(transposeKernel(valuesOf(x), x.shape, perm, x.dtype));
  }
  slice(x: TensorHandle, begin: readonly number[], size: readonly number[]): DataId {
    return this.store(sliceKernel(valuesOf(x), x.shape, begin, size, x.dtype));
  }
  concat(xs: readonly TensorHandle[], axis: number, outShape: Shape): DataId {
    return this.store(concatKernel(xs.map((x) => ({ data: valuesOf(x), shape: x.shape })), axis, outShape, xs[0].dtype));
  }
  where(cond: TensorHandle, a: TensorHandle, b: TensorHandle, outShape: Shape): DataId {
    return this.store(whereKernel(valuesOf(cond), cond.shape, valuesOf(a), a.shape, valuesOf(b), b.shape, outShape, a.dtype));
  }
  cast(x: TensorHandle, dtype: DType): DataId {
    const src = valuesOf(x);
    const out = allocate(dtype, src.length);
    if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
    else if (dtype === 'int32') for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]);
    else out.set(src);
    return this.store(out);
  }

  softmax(x: TensorHandle): DataId {
    return this.store(softmaxKernel(floatsOf(x), x.shape[x.shape.length - 1]));
  }
  layerNorm(x: TensorHandle, gamma: TensorHandle | null, beta: TensorHandle | null, eps: number): DataId {
    return this.store(layerNormKernel(floatsOf(x), x.shape[x.shape.length - 1], gamma && floatsOf(gamma), beta && floatsOf(beta), eps));
  }
  rmsNorm(x: TensorHandle, gamma: TensorHandle | null, eps: number): DataId {
    return this.store(rmsNormKernel(floatsOf(x), x.shape[x.shape.length - 1], gamma && floatsOf(gamma), eps));
  }
  gelu(x: TensorHandle, approximate: 'none' | 'tanh'): DataId {
    return this.store(geluKernel(floatsOf(x), approximate));
  }
  silu(x: TensorHandle): DataId {
    return this.store(siluKernel(floatsOf(x)));
  }
  rotary(x: TensorHandle, cos: TensorHandle, sin: TensorHandle, layout: RotaryLayout): DataId {
    return this.store(rotaryKernel(floatsOf(x), x.shape, floatsOf(cos), floatsOf(sin), cos.shape[cos.shape.length - 1], layout));
  }
  attention(q: TensorHandle, k: TensorHandle, v: TensorHandle, options: FusedAttentionOptions): DataId {
    return this.store(attentionKernel(floatsOf(q), q.shape, floatsOf(k), floatsOf(v), k.shape, options));
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
 * Creates the CPU reference backend.
 *
 * @example
 * ```ts
 * import { createCpuBackend, setBackend } from '@transformer-kit/tensor';
 * setBackend(createCpuBackend());
 * ```
 */
export function createCpuBackend(): Backend {
  return new CpuBackend();
}
