import { createCpuBackend, sizeOf, type Backend, type DataId, type DType, type Shape, type TensorHandle } from '@transformer-kit/tensor';

/** One allocation a kernel made. */
export interface Allocation {
  shape: readonly number[];
  bytes: number;
}

/**
 * A CPU backend that records every storage it allocates (shape and bytes, computed from the kernels' output
 * shapes, not from CPU internals) and tracks the live bytes and their peak.
 */
export interface MeasuringBackend extends Backend {
  allocations: Allocation[];
  liveBytes: number;
  peakBytes: number;
  resetPeak(): void;
}

const bytesPer = (dtype: DType) => (dtype === 'bool' ? 1 : 4);

export function createMeasuringBackend(options: { fusedAttention?: boolean } = {}): MeasuringBackend {
  const cpu = createCpuBackend();
  const sizes = new Map<DataId, number>();
  const m = {
    name: 'cpu-measured',
    tolerance: cpu.tolerance,
    allocations: [] as Allocation[],
    liveBytes: 0,
    peakBytes: 0,
    resetPeak() {
      m.peakBytes = m.liveBytes;
    },
  } as MeasuringBackend;
  const record = (id: DataId, shape: readonly number[], dtype: DType): DataId => {
    const bytes = sizeOf(shape) * bytesPer(dtype);
    sizes.set(id, bytes);
    m.allocations.push({ shape: shape.slice(), bytes });
    m.liveBytes += bytes;
    m.peakBytes = Math.max(m.peakBytes, m.liveBytes);
    return id;
  };
  const reduced = (x: TensorHandle, axis: number) => x.shape.filter((_, i) => i !== axis);
  Object.assign(m, {
    upload: (values: never, shape: Shape, dtype: DType) => record(cpu.upload(values, shape, dtype), shape, dtype),
    read: cpu.read.bind(cpu),
    readSync: cpu.readSync!.bind(cpu),
    disposeData: (id: DataId) => {
      m.liveBytes -= sizes.get(id) ?? 0;
      sizes.delete(id);
      cpu.disposeData(id);
    },
    writeSlice: cpu.writeSlice.bind(cpu),
    liveDataCount: () => cpu.liveDataCount(),
    matmul: (a: TensorHandle, b: TensorHandle, ta: boolean, tb: boolean, out: Shape) => record(cpu.matmul(a, b, ta, tb, out), out, 'float32'),
    unary: (op: never, x: TensorHandle) => record(cpu.unary(op, x), x.shape, op === 'logicalNot' ? 'bool' : 'float32'),
    binary: (op: never, a: TensorHandle, b: TensorHandle, out: Shape, dt: DType) => record(cpu.binary(op, a, b, out, dt), out, dt),
    reduce: (op: never, x: TensorHandle, axis: number) => record(cpu.reduce(op, x, axis), reduced(x, axis), 'float32'),
    gather: (t: TensorHandle, i: TensorHandle, axis: number) =>
      record(cpu.gather(t, i, axis), [...t.shape.slice(0, axis), ...i.shape, ...t.shape.slice(axis + 1)], t.dtype),
    transpose: (x: TensorHandle, perm: number[]) => record(cpu.transpose(x, perm), perm.map((p) => x.shape[p]), x.dtype),
    slice: (x: TensorHandle, begin: number[], size: number[]) => record(cpu.slice(x, begin, size), size, x.dtype),
    concat: (xs: TensorHandle[], axis: number, out: Shape) => record(cpu.concat(xs, axis, out), out, xs[0].dtype),
    where: (c: TensorHandle, a: TensorHandle, b: TensorHandle, out: Shape) => record(cpu.where(c, a, b, out), out, a.dtype),
    cast: (x: TensorHandle, dt: DType) => record(cpu.cast(x, dt), x.shape, dt),
    softmax: (x: TensorHandle) => record(cpu.softmax!(x), x.shape, 'float32'),
    layerNorm: (x: TensorHandle, g: TensorHandle | null, b: TensorHandle | null, eps: number) => record(cpu.layerNorm!(x, g, b, eps), x.shape, 'float32'),
    rmsNorm: (x: TensorHandle, g: TensorHandle | null, eps: number) => record(cpu.rmsNorm!(x, g, eps), x.shape, 'float32'),
    gelu: (x: TensorHandle, a: 'none' | 'tanh') => record(cpu.gelu!(x, a), x.shape, 'float32'),
    silu: (x: TensorHandle) => record(cpu.silu!(x), x.shape, 'float32'),
    rotary: (x: TensorHandle, c: TensorHandle, s: TensorHandle, l: never) => record(cpu.rotary!(x, c, s, l), x.shape, 'float32'),
  });
  if (options.fusedAttention ?? true) {
    Object.assign(m, {
      attention: (q: TensorHandle, k: TensorHandle, v: TensorHandle, o: never) => record(cpu.attention!(q, k, v, o), q.shape, 'float32'),
    });
  }
  return m;
}
