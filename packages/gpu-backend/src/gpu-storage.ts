import { allocate, type DataId, type DType, type TensorData, type TensorHandle } from '@transformer-kit/tensor';
import { BoundTensor, DeviceBuffer, GpuData, type DeviceValue } from './gpu-data';
import type { KernelRunner } from './kernel-runner';
import { uploadCall } from './kernels/elementwise-kernels';
import { unblockPlan } from './kernels/block-kernels';
import type { KernelPlan } from './kernel-source';

/** Uploads up to this many elements keep a host copy: token ids and scalars are then read without a readback. */
const HOST_COPY_MAX = 1 << 16;

/**
 * The backend's storage (the allocator, in tinygrad's terms): owns every tensor's GPU data and host copy,
 * shares device buffers between views, and keeps the live counts. Kernels never touch a GpuData directly;
 * they receive textures resolved here.
 */
export class GpuStorage {
  #liveData = 0;
  #liveBuffers = 0;
  #readbacks = 0;

  constructor(
    readonly runner: KernelRunner,
    readonly name: string,
    /** Runs a plan to one device value (the backend's dispatcher). */
    private readonly execute: (plan: KernelPlan) => DeviceValue,
  ) {}

  /** Storages alive. */
  get liveData(): number {
    return this.#liveData;
  }

  /** Device buffers alive (textures in the GL modes; each block of a blocked tensor counts). */
  get liveBuffers(): number {
    return this.#liveBuffers;
  }

  /** GPU → host copies so far. */
  get readbacks(): number {
    return this.#readbacks;
  }

  /** The GpuData behind a DataId, checked to be ours and alive. */
  data(dataId: DataId): GpuData {
    if (!(dataId instanceof GpuData)) throw new TypeError(`${this.name}: this tensor belongs to another backend`);
    if (dataId.disposed) throw new Error(`${this.name}: tensor data used after it was disposed`);
    return dataId;
  }

  /** A storage holding host values (uploaded on first kernel use). */
  fromHost(values: TensorData): GpuData {
    this.#liveData++;
    return new GpuData(values.length, values);
  }

  /** A storage owning a kernel's output. */
  fromDevice(size: number, value: DeviceValue): GpuData {
    this.#liveData++;
    const data = new GpuData(size, null);
    data.device = this.buffer(value);
    return data;
  }

  /** A storage with no elements. */
  empty(): GpuData {
    return this.fromHost(new Float32Array(0));
  }

  /** `size` elements of `source` from `offset` on, in the same order, as a new storage: no launch, no copy. */
  view(source: GpuData, offset = 0, size = source.size): GpuData {
    const out = new GpuData(size, source.host ? source.host.subarray(offset, offset + size) : null);
    this.#liveData++;
    out.device = this.#share(source);
    out.offset = out.device ? source.offset + offset : 0;
    return out;
  }

  /** A storage whose value is `plan`'s output, run when first needed (its tensor inputs are retained now). */
  deferred(size: number, plan: KernelPlan, info: unknown): GpuData {
    const holds: DeviceBuffer[] = [];
    const bound = plan.map((call) => ({
      ...call,
      args: call.args.map((a) => {
        const b = typeof a === 'object' && 'dataId' in a ? this.bind(a) : a instanceof BoundTensor ? a : null;
        if (!b?.buffer) return a;
        const buffer = b.buffer;
        buffer.refs++;
        holds.push(buffer);
        return new BoundTensor(b.value, b.offset, buffer);
      }),
    }));
    this.#liveData++;
    const data = new GpuData(size, null);
    data.deferred = { plan: bound, holds, info };
    return data;
  }

  /** A tensor's texture and element offset, for a launch. */
  bind(t: TensorHandle): BoundTensor {
    const data = this.data(t.dataId);
    const value = this.device(data);
    return new BoundTensor(value, data.offset, data.device);
  }

  /** A new owned buffer for `value`. */
  buffer(value: DeviceValue): DeviceBuffer {
    this.#liveBuffers++;
    return new DeviceBuffer(value);
  }

  /** Drops one reference to `buffer`; the last one frees its texture. */
  release(buffer: DeviceBuffer): void {
    if (--buffer.refs > 0) return;
    this.free(buffer.value);
    this.#liveBuffers--;
  }

  /** Frees a value no storage owns (a plan's intermediate). */
  free(value: DeviceValue): void {
    if (!(value instanceof Float32Array)) value.delete();
  }

  /** Replaces a storage's device data with `value` (the in-place write of `writeSlice`). */
  replace(data: GpuData, value: DeviceValue): void {
    this.dropDevice(data);
    if (data.blocks) for (const b of data.blocks.buffers) this.release(b);
    data.blocks = null;
    data.host = null;
    data.device = this.buffer(value);
  }

  /** Replaces a storage's values with host values (the exact int32 path of `writeSlice`). */
  replaceHost(data: GpuData, values: TensorData): void {
    this.dropDevice(data);
    data.host = values;
  }

  /** Drops the contiguous device copy (a blocked tensor keeps its blocks). */
  dropDevice(data: GpuData): void {
    data.offset = 0;
    if (!data.device) return;
    this.release(data.device);
    data.device = null;
  }

  /** Frees a storage (called once per DataId). */
  dispose(dataId: DataId): void {
    const data = this.data(dataId);
    this.dropDevice(data);
    if (data.blocks) for (const b of data.blocks.buffers) this.release(b);
    if (data.deferred) for (const h of data.deferred.holds) this.release(h);
    data.blocks = null;
    data.deferred = null;
    data.host = null;
    data.disposed = true;
    this.#liveData--;
  }

  /** Host copies of `ts`, when every one has one and at least one is int32 (the exact host path applies). */
  hostValues(ts: readonly TensorHandle[]): TensorData[] | null {
    if (!ts.some((t) => t.dtype === 'int32')) return null;
    const out: TensorData[] = [];
    for (const t of ts) {
      const host = this.data(t.dataId).host;
      if (!host) return null;
      out.push(host);
    }
    return out;
  }

  /** The device value of a tensor: uploads host values, or joins a blocked tensor's blocks, on first use. */
  device(t: TensorHandle | GpuData): DeviceValue {
    const data = t instanceof GpuData ? t : this.data(t.dataId);
    if (data.device) return data.device.value;
    if (data.deferred) {
      const { plan, holds } = data.deferred;
      data.deferred = null;
      data.device = this.buffer(this.execute(plan));
      for (const h of holds) this.release(h);
      return data.device.value;
    }
    if (data.blocks) {
      data.device = this.buffer(this.execute(unblockPlan(data.blocks)));
      return data.device.value;
    }
    if (data.size === 0 || !data.host) throw new Error(`${this.name}: an empty tensor cannot be a kernel input`);
    // NOTE: a copy for int32/bool and for a view's subarray (gpu.js uploads from the start of the buffer).
    const floats = data.host instanceof Float32Array && data.host.byteOffset === 0 ? data.host : Float32Array.from(data.host);
    data.device = this.buffer(this.execute([uploadCall(floats)]));
    // NOTE: large float uploads (weights) keep no host copy; int32 keeps it (exact beyond 2^24).
    if (data.size > HOST_COPY_MAX && data.host instanceof Float32Array) data.host = null;
    return data.device.value;
  }

  /** The values of a storage as `dtype`: from the host copy when there is one, else one readback. */
  read(dataId: DataId, dtype: DType): TensorData {
    const data = this.data(dataId);
    if (data.host) return asDType(data.host, dtype).slice();
    if (data.size === 0 || (!data.device && !data.blocks && !data.deferred)) return allocate(dtype, 0);
    const floats = this.readFloats(data);
    if (dtype === 'int32') return Int32Array.from(floats, (v) => Math.round(v));
    if (dtype === 'bool') return Uint8Array.from(floats, (v) => (v !== 0 ? 1 : 0));
    return floats;
  }

  /** The float values of a storage: the host copy, or one counted readback. */
  readFloats(data: GpuData): Float32Array | TensorData {
    if (data.host) return data.host;
    const value = this.device(data);
    this.#readbacks++;
    const all = value instanceof Float32Array ? value : (value.toArray() as Float32Array);
    return all.length === data.size && data.offset === 0 ? all : all.slice(data.offset, data.offset + data.size);
  }

  #share(source: GpuData): DeviceBuffer | null {
    if (source.size === 0) return null;
    // NOTE: the source goes to the device first, so every view of it (a rotary table's rows) shares one upload.
    this.device(source);
    const buffer = source.device!;
    buffer.refs++;
    return buffer;
  }
}

/** `values` as the typed array of `dtype` (the same array when it already is). */
export function asDType(values: TensorData, dtype: DType): TensorData {
  const expected = allocate(dtype, 0).constructor as { new (v: ArrayLike<number>): TensorData };
  if (values.constructor === expected) return values;
  if (dtype === 'bool') return Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
  if (dtype === 'int32') return Int32Array.from(values, (v) => Math.round(v));
  return new expected(values);
}
