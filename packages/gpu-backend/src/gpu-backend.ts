import type { GPU, Texture } from 'gpu.js';
import { allocate, isPackedDType, requireWeightKernels, type Backend, type BinaryOp, type DataId, type DType, type FusedAttentionOptions, type ReduceOp, type RotaryLayout, type Shape, type TensorData, type TensorHandle, type UnaryOp } from '@transformer-kit/tensor';
import { broadcastStridesOf, collapseWalk, product, rowMajorStrides } from './collapse-dims';
import { GlTextureCounter } from './gl-texture-counter';
import { GpuData, type DeviceValue } from './gpu-data';
import { HostPath } from './host-path';
import { KernelRunner, type GpuMode, type KernelCounters } from './kernel-runner';
import type { KernelSpec } from './kernel-source';
import { attentionOutputSpec, attentionScoresSpec } from './kernels/attention-kernels';
import { activationExpr, binarySpec, fillSpec, mapSpec, unaryExpression, uploadSpec, whereSpec } from './kernels/elementwise-kernels';
import { concatSpec, gatherSpec, stridedCopySpec, writeSliceSpec } from './kernels/layout-kernels';
import { matmulSpec } from './kernels/matmul-kernels';
import { layerNormSpec, ONE_PASS_MAX_ROW, rmsNormSpec, rowStatsSpec, softmaxApplySpec, softmaxSpec } from './kernels/norm-kernels';
import { reduceSpec } from './kernels/reduce-kernels';
import { rotarySpec } from './kernels/rotary-kernel';

/** Uploads up to this many elements keep a host copy: token ids and scalars are then read without a readback. */
const HOST_COPY_MAX = 1 << 16;

/**
 * What the backend has done and holds (see `GpuBackend.stats`).
 *
 * @example
 * ```ts
 * import { createGpuBackend } from '@transformer-kit/gpu-backend';
 * const backend = await createGpuBackend();
 * const { launches, readbacks, glTextures } = backend.stats();
 * ```
 */
export interface GpuBackendStats {
  /** Kernel launches since creation. */
  readonly launches: number;
  /** Texture readbacks (GPU → host copies) since creation. */
  readonly readbacks: number;
  /** Programs compiled (one per shape class). */
  readonly compiledKernels: number;
  /** Tensor storages alive. */
  readonly liveData: number;
  /** Storages that hold a texture (or a device array in cpu mode). */
  readonly liveTextures: number;
  /** WebGL textures alive in the context, counted at the context (GL modes; 0 in cpu mode). */
  readonly glTextures: number;
}

/**
 * Facts about where the backend runs, for logs and benchmark reports.
 *
 * @example
 * ```ts
 * import { createGpuBackend } from '@transformer-kit/gpu-backend';
 * const { mode, renderer, software } = (await createGpuBackend()).info;
 * ```
 */
export interface GpuBackendInfo {
  /** The gpu.js mode: 'webgl2' | 'webgl' | 'headlessgl' | 'cpu'. */
  readonly mode: GpuMode;
  /** The GL renderer (e.g. 'llvmpipe (LLVM 15.0.6, 256 bits)', 'SwiftShader'), or 'JavaScript' in cpu mode. */
  readonly renderer: string;
  /** The GL version string, or '' in cpu mode. */
  readonly version: string;
  /** True when the renderer is a software rasteriser (llvmpipe, SwiftShader, softpipe) or gpu.js' cpu mode. */
  readonly software: boolean;
  /** Largest texture side. */
  readonly maxTextureSize: number;
}

/**
 * A Backend made of gpu.js kernels. Tensors live in float32 textures and stay on the GPU between kernels;
 * only `read` copies data back. Create it with `createGpuBackend()`.
 *
 * @example
 * ```ts
 * import { createGpuBackend } from '@transformer-kit/gpu-backend';
 * import { setBackend, tensor, matmul } from '@transformer-kit/tensor';
 * const gpu = await createGpuBackend();
 * setBackend(gpu);
 * const y = matmul(tensor([1, 2, 3, 4], [2, 2]), tensor([1, 0, 0, 1], [2, 2]));
 * console.log(await y.data(), gpu.stats().launches);
 * ```
 */
export class GpuBackend implements Backend {
  readonly name: string;
  readonly tolerance = 2e-3;
  readonly info: GpuBackendInfo;
  readonly #gpu: GPU;
  readonly #runner: KernelRunner;
  readonly #counters: KernelCounters = { launches: 0, readbacks: 0, compiles: 0 };
  readonly #glTextures = new GlTextureCounter();
  readonly #hostPath = new HostPath();
  #liveData = 0;
  #liveTextures = 0;

  /** @internal Use `createGpuBackend()`. */
  constructor(gpu: GPU, info: GpuBackendInfo, loopMaxIterations: number) {
    this.#gpu = gpu;
    this.info = info;
    this.name = `gpu.js:${info.mode}`;
    // NOTE: gpu.js creates its shared context with the first kernel; count its textures from then on.
    this.#runner = new KernelRunner(gpu, info.mode, this.#counters, loopMaxIterations, () => this.#glTextures.attach((gpu as unknown as { context: unknown }).context));
  }

  /** Counters and live-resource counts. */
  stats(): GpuBackendStats {
    return {
      launches: this.#counters.launches,
      readbacks: this.#counters.readbacks,
      compiledKernels: this.#runner.size,
      liveData: this.#liveData,
      liveTextures: this.#liveTextures,
      glTextures: this.#glTextures.live,
    };
  }

  /** Storages holding a texture right now (flat over a long generation when nothing leaks). */
  liveTextureCount(): number {
    return this.#liveTextures;
  }

  liveDataCount(): number {
    return this.#liveData;
  }

  // ---- storage ----

  upload(values: TensorData, shape: Shape, dtype: DType): DataId {
    const size = product(shape);
    if (values.length !== size && !isPackedDType(dtype)) throw new RangeError(`upload: ${values.length} values for shape [${shape.join(', ')}]`);
    this.#liveData++;
    // NOTE: a packed weight (q4_k, f16...) is decoded to float32 here (gpu.js reads float textures): 4 bytes a weight, Q4_K ~7× its file size
    return new GpuData(size, isPackedDType(dtype) ? requireWeightKernels('upload', dtype).dequantize({ dtype, bytes: values as Uint8Array, rows: shape[0], cols: shape[1] }) : asDType(values, dtype));
  }

  read(dataId: DataId, shape: Shape, dtype: DType): Promise<TensorData> {
    try {
      return Promise.resolve(this.readSync(dataId, shape, dtype));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  readSync(dataId: DataId, _shape: Shape, dtype: DType): TensorData {
    const data = this.#data(dataId);
    if (data.host) return asDType(data.host, dtype).slice();
    if (data.size === 0 || !data.device) return allocate(dtype, 0);
    this.#counters.readbacks++;
    const floats = this.#readDevice(data.device, data.size);
    if (dtype === 'int32') return Int32Array.from(floats, (v) => Math.round(v));
    if (dtype === 'bool') return Uint8Array.from(floats, (v) => (v !== 0 ? 1 : 0));
    return floats;
  }

  disposeData(dataId: DataId): void {
    const data = this.#data(dataId);
    this.#releaseDevice(data);
    data.host = null;
    data.disposed = true;
    this.#liveData--;
  }

  writeSlice(target: TensorHandle, value: TensorHandle, begin: readonly number[]): void {
    const size = product(value.shape);
    if (size === 0) return;
    const data = this.#data(target.dataId);
    const valueData = this.#data(value.dataId);
    if (target.dtype === 'int32' && data.host && valueData.host) {
      data.host = this.#hostPath.writeSlice(target, data.host, value, valueData.host, begin);
      this.#releaseDevice(data);
      return;
    }
    const rank = Math.max(target.shape.length, 1);
    const dims = target.shape.length ? [...target.shape] : [1];
    const vDims = value.shape.length ? [...value.shape] : [1];
    const b = begin.length ? [...begin] : [0];
    const next = this.#launch(`writeSlice:${rank}`, () => writeSliceSpec(rank), data.size, [
      this.#device(target), this.#device(value), ...dims.slice(1), ...b, ...vDims, ...rowMajorStrides(vDims),
    ]);
    // NOTE: the DataId stays the same (tensors and views share it); only its texture is swapped.
    this.#releaseDevice(data);
    data.host = null;
    data.device = next;
    this.#liveTextures++;
  }

  // ---- primitives ----

  matmul(a: TensorHandle, b: TensorHandle, transposeA: boolean, transposeB: boolean, outShape: Shape): DataId {
    const rank = outShape.length;
    const [m, n] = [outShape[rank - 2], outShape[rank - 1]];
    const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
    const size = product(outShape);
    if (size === 0) return this.#empty();
    if (k === 0) return this.#fill(size, 0);
    const batchShape = outShape.slice(0, rank - 2);
    const aBatch = broadcastStridesOf(a.shape.slice(0, -2), batchShape).map((s) => s * m * k);
    const bBatch = broadcastStridesOf(b.shape.slice(0, -2), batchShape).map((s) => s * k * n);
    const walk = collapseWalk(batchShape, [aBatch, bBatch]);
    const batchRank = walk.dims.length;
    const [am, ak] = transposeA ? [1, m] : [k, 1];
    const [bk, bn] = transposeB ? [1, k] : [n, 1];
    const splits = splitCount(size, k);
    const kTile = Math.ceil(k / splits);
    const args = [this.#device(a), this.#device(b), m, n, k, am, ak, bk, bn, size, kTile, ...walk.dims.slice(1), ...walk.strides[0], ...walk.strides[1]];
    const partial = this.#runner.run(`matmul:${batchRank}`, () => matmulSpec(batchRank), size * splits, args);
    if (splits === 1) return this.#wrap(size, partial);
    // [splits, size] partial sums over tiles of K → [size]
    const total = this.#runner.run('reduce:sum', () => reduceSpec('sum'), size, [partial, splits, size]);
    this.#freeDevice(partial);
    return this.#wrap(size, total);
  }

  /** Elementwise `op` over `x`: one compiled kernel per op, the result stays a texture. */
  unary(op: UnaryOp, x: TensorHandle): DataId {
    return this.#map(`unary:${op}`, unaryExpression(op), x);
  }

  binary(op: BinaryOp, a: TensorHandle, b: TensorHandle, outShape: Shape, outDType: DType): DataId {
    const size = product(outShape);
    if (size === 0) return this.#empty();
    const host = this.#hostInputs(a, b);
    if (host) return this.#hostOut(host, (cpu, [x, y]) => cpu.binary(op, x, y, outShape, outDType));
    const walk = collapseWalk(outShape, [broadcastStridesOf(a.shape, outShape), broadcastStridesOf(b.shape, outShape)]);
    const rank = walk.dims.length;
    const roundInt = outDType === 'int32' && op === 'pow';
    return this.#out(`binary:${op}:${rank}:${roundInt}`, () => binarySpec(op, rank, roundInt), size, [
      this.#device(a), this.#device(b), ...walk.dims.slice(1), ...walk.strides[0], ...walk.strides[1],
    ]);
  }

  reduce(op: ReduceOp, x: TensorHandle, axis: number): DataId {
    const outer = product(x.shape.slice(0, axis));
    const n = x.shape[axis];
    const inner = product(x.shape.slice(axis + 1));
    const size = outer * inner;
    if (size === 0) return this.#empty();
    if (n === 0) {
      if (op === 'argmax') throw new RangeError('argmax of an empty dimension');
      const empty: Record<Exclude<ReduceOp, 'argmax'>, number> = { sum: 0, mean: NaN, max: -Infinity, min: Infinity, logSumExp: -Infinity };
      return this.#fill(size, empty[op]);
    }
    const host = this.#hostInputs(x);
    if (host) return this.#hostOut(host, (cpu, [h]) => cpu.reduce(op, h, axis));
    return this.#out(`reduce:${op}`, () => reduceSpec(op), size, [this.#device(x), n, inner]);
  }

  gather(table: TensorHandle, indices: TensorHandle, axis: number): DataId {
    const outer = product(table.shape.slice(0, axis));
    const n = table.shape[axis];
    const inner = product(table.shape.slice(axis + 1));
    const count = product(indices.shape);
    const size = outer * count * inner;
    const host = this.#hostInputs(table, indices);
    if (host && table.dtype === 'int32') return this.#hostOut(host, (cpu, [t, i]) => cpu.gather(t, i, axis));
    this.#checkIndices(indices, n, axis);
    if (size === 0) return this.#empty();
    return this.#out('gather', gatherSpec, size, [this.#device(table), this.#device(indices), n, inner, count]);
  }

  transpose(x: TensorHandle, perm: readonly number[]): DataId {
    const host = this.#hostInputs(x);
    if (host) return this.#hostOut(host, (cpu, [h]) => cpu.transpose(h, perm));
    const strides = rowMajorStrides(x.shape);
    return this.#stridedCopy(x, 0, perm.map((p) => x.shape[p]), perm.map((p) => strides[p]));
  }

  slice(x: TensorHandle, begin: readonly number[], size: readonly number[]): DataId {
    const host = this.#hostInputs(x);
    if (host) return this.#hostOut(host, (cpu, [h]) => cpu.slice(h, begin, size));
    const strides = rowMajorStrides(x.shape);
    const base = begin.reduce((acc, b, d) => acc + b * strides[d], 0);
    return this.#stridedCopy(x, base, [...size], strides);
  }

  concat(xs: readonly TensorHandle[], axis: number, outShape: Shape): DataId {
    const size = product(outShape);
    if (size === 0) return this.#empty();
    const host = this.#hostInputs(...xs);
    if (host) return this.#hostOut(host, (cpu, hs) => cpu.concat(hs, axis, outShape));
    const outer = product(outShape.slice(0, axis));
    const parts = xs.filter((x) => product(x.shape) > 0).map((x) => ({ value: this.#device(x), row: product(x.shape) / outer, owned: false }));
    return this.#wrap(size, this.#concatRows(parts, outer).value);
  }

  where(cond: TensorHandle, a: TensorHandle, b: TensorHandle, outShape: Shape): DataId {
    const size = product(outShape);
    if (size === 0) return this.#empty();
    const host = this.#hostInputs(cond, a, b);
    if (host) return this.#hostOut(host, (cpu, [hc, ha, hb]) => cpu.where(hc, ha, hb, outShape));
    const walk = collapseWalk(outShape, [cond, a, b].map((t) => broadcastStridesOf(t.shape, outShape)));
    const rank = walk.dims.length;
    return this.#out(`where:${rank}`, () => whereSpec(rank), size, [
      this.#device(cond), this.#device(a), this.#device(b), ...walk.dims.slice(1), ...walk.strides[0], ...walk.strides[1], ...walk.strides[2],
    ]);
  }

  cast(x: TensorHandle, dtype: DType): DataId {
    const host = this.#hostInputs(x);
    if (host) return this.#hostOut(host, (cpu, [h]) => cpu.cast(h, dtype));
    const expr = dtype === 'bool' ? activationExpr.toBool : dtype === 'int32' && x.dtype === 'float32' ? activationExpr.toInt32 : activationExpr.copy;
    return this.#map(`cast:${expr === activationExpr.copy ? 'copy' : dtype}`, expr, x);
  }

  // ---- fused kernels ----

  softmax(x: TensorHandle): DataId {
    const n = x.shape[x.shape.length - 1];
    const size = product(x.shape);
    if (size === 0) return this.#empty();
    if (n <= ONE_PASS_MAX_ROW) return this.#out('softmax', softmaxSpec, size, [this.#device(x), n]);
    const stats = this.#runner.run('rowStats:softmax', () => rowStatsSpec('softmax'), (size / n) * 2, [this.#device(x), n]);
    const out = this.#runner.run('softmax:apply', softmaxApplySpec, size, [this.#device(x), stats, n]);
    this.#freeDevice(stats);
    return this.#wrap(size, out);
  }

  layerNorm(x: TensorHandle, gamma: TensorHandle | null, beta: TensorHandle | null, eps: number): DataId {
    return this.#norm('layerNorm', x, gamma, beta, eps);
  }

  rmsNorm(x: TensorHandle, gamma: TensorHandle | null, eps: number): DataId {
    return this.#norm('rmsNorm', x, gamma, null, eps);
  }

  gelu(x: TensorHandle, approximate: 'none' | 'tanh'): DataId {
    return approximate === 'tanh' ? this.#map('gelu:tanh', activationExpr.geluTanh, x) : this.#map('gelu:none', activationExpr.geluNone, x);
  }

  silu(x: TensorHandle): DataId {
    return this.#map('silu', activationExpr.silu, x);
  }

  rotary(x: TensorHandle, cos: TensorHandle, sin: TensorHandle, layout: RotaryLayout): DataId {
    const size = product(x.shape);
    if (size === 0) return this.#empty();
    const rank = x.shape.length;
    const half = cos.shape[cos.shape.length - 1];
    return this.#out(`rotary:${layout}`, () => rotarySpec(layout), size, [
      this.#device(x), this.#device(cos), this.#device(sin), x.shape[rank - 1], x.shape[rank - 2], half,
    ]);
  }

  attention(q: TensorHandle, k: TensorHandle, v: TensorHandle, options: FusedAttentionOptions): DataId {
    const [batch, heads, seqQ, headDim] = q.shape;
    const [, kvHeads, cap] = k.shape;
    const size = batch * heads * seqQ * headDim;
    if (size === 0) return this.#empty();
    const L = options.kvLength;
    if (L === 0) return this.#fill(size, 0);
    const group = heads / kvHeads;
    const shape = [L, seqQ, heads, kvHeads, group, cap, headDim];
    // [batch, heads, seqQ, L]
    const scores = this.#runner.run('attention:scores', attentionScoresSpec, batch * heads * seqQ * L, [this.#device(q), this.#device(k), ...shape, options.scale]);
    // [batch, heads, seqQ, headDim]
    const out = this.#runner.run('attention:output', attentionOutputSpec, size, [scores, this.#device(v), ...shape, options.causal ? 1 : 0, options.queryOffset]);
    this.#freeDevice(scores);
    return this.#wrap(size, out);
  }

  /** Frees every kernel and texture; the backend cannot be used afterwards. */
  destroy(): void {
    this.#runner.destroy();
    this.#gpu.destroy();
  }

  // ---- internals ----

  #data(dataId: DataId): GpuData {
    if (!(dataId instanceof GpuData)) throw new TypeError(`${this.name}: this tensor belongs to another backend`);
    if (dataId.disposed) throw new Error(`${this.name}: tensor data used after it was disposed`);
    return dataId;
  }

  /** The device value of a tensor, uploading host values on first use. */
  #device(t: TensorHandle): DeviceValue {
    const data = this.#data(t.dataId);
    if (data.device) return data.device;
    if (data.size === 0 || !data.host) throw new Error(`${this.name}: an empty tensor cannot be a kernel input`);
    const floats = data.host instanceof Float32Array ? data.host : Float32Array.from(data.host);
    data.device = this.#runner.run('upload', uploadSpec, data.size, [floats]);
    this.#liveTextures++;
    // NOTE: large float uploads (weights) keep no host copy; int32 keeps it (exact beyond 2^24).
    if (data.size > HOST_COPY_MAX && data.host instanceof Float32Array) data.host = null;
    return data.device;
  }

  /** Inputs with host copies, when at least one is int32: the op then runs exactly on the host. */
  #hostInputs(...ts: TensorHandle[]): { handle: TensorHandle; values: TensorData }[] | null {
    if (!ts.some((t) => t.dtype === 'int32')) return null;
    const out: { handle: TensorHandle; values: TensorData }[] = [];
    for (const t of ts) {
      const host = this.#data(t.dataId).host;
      if (!host) return null;
      out.push({ handle: t, values: host });
    }
    return out;
  }

  #hostOut(inputs: { handle: TensorHandle; values: TensorData }[], op: (cpu: Backend, handles: TensorHandle[]) => DataId): GpuData {
    const values = this.#hostPath.run(inputs, op);
    this.#liveData++;
    return new GpuData(values.length, values);
  }

  #readDevice(value: DeviceValue, size: number): Float32Array {
    if (value instanceof Float32Array) return value.slice(0, size);
    const out = (value as Texture).toArray() as Float32Array;
    return out.length === size ? out : out.slice(0, size);
  }

  #releaseDevice(data: GpuData): void {
    if (!data.device) return;
    this.#freeDevice(data.device);
    data.device = null;
    this.#liveTextures--;
  }

  #freeDevice(value: DeviceValue): void {
    if (!(value instanceof Float32Array)) (value as Texture).delete();
  }

  #wrap(size: number, value: DeviceValue): GpuData {
    this.#liveData++;
    this.#liveTextures++;
    const data = new GpuData(size, null);
    data.device = value;
    return data;
  }

  #empty(): GpuData {
    this.#liveData++;
    return new GpuData(0, new Float32Array(0));
  }

  #launch(key: string, make: () => KernelSpec, size: number, args: readonly unknown[]): DeviceValue {
    return this.#runner.run(key, make, size, args);
  }

  #out(key: string, make: () => KernelSpec, size: number, args: readonly unknown[]): GpuData {
    return this.#wrap(size, this.#runner.run(key, make, size, args));
  }

  #map(key: string, expr: string, x: TensorHandle): GpuData {
    const size = product(x.shape);
    if (size === 0) return this.#empty();
    return this.#out(key, () => mapSpec(expr), size, [this.#device(x)]);
  }

  #fill(size: number, value: number): GpuData {
    return this.#out('fill', fillSpec, size, [value]);
  }

  #stridedCopy(x: TensorHandle, base: number, dims: number[], strides: number[]): GpuData {
    const size = product(dims);
    if (size === 0) return this.#empty();
    const walk = collapseWalk(dims, [strides]);
    const rank = walk.dims.length;
    return this.#out(`copy:${rank}`, () => stridedCopySpec(rank), size, [this.#device(x), base, ...walk.dims.slice(1), ...walk.strides[0]]);
  }

  /** Rows of up to 4 inputs per launch; more inputs are joined as a tree (each level copies the data once). */
  #concatRows(parts: { value: DeviceValue; row: number; owned: boolean }[], outer: number): { value: DeviceValue; row: number; owned: boolean } {
    if (parts.length === 1 && parts[0].owned) return parts[0];
    if (parts.length <= 4) {
      const rowOut = parts.reduce((s, p) => s + p.row, 0);
      const count = parts.length;
      const value = this.#runner.run(`concat:${count}`, () => concatSpec(count), outer * rowOut, [...parts.map((p) => p.value), ...parts.map((p) => p.row), rowOut]);
      for (const p of parts) if (p.owned) this.#freeDevice(p.value);
      return { value, row: rowOut, owned: true };
    }
    const groupSize = Math.ceil(parts.length / 4);
    const groups: { value: DeviceValue; row: number; owned: boolean }[] = [];
    for (let i = 0; i < parts.length; i += groupSize) groups.push(this.#concatRows(parts.slice(i, i + groupSize), outer));
    return this.#concatRows(groups, outer);
  }

  #norm(kind: 'layerNorm' | 'rmsNorm', x: TensorHandle, gamma: TensorHandle | null, beta: TensorHandle | null, eps: number): DataId {
    const n = x.shape[x.shape.length - 1];
    const size = product(x.shape);
    if (size === 0) return this.#empty();
    const twoPass = n > ONE_PASS_MAX_ROW;
    const hasGamma = gamma !== null;
    const hasBeta = beta !== null && kind === 'layerNorm';
    const affine = [...(gamma ? [this.#device(gamma)] : []), ...(hasBeta && beta ? [this.#device(beta)] : [])];
    const key = `${kind}:${twoPass}:${hasGamma}:${hasBeta}`;
    const make = () => (kind === 'layerNorm' ? layerNormSpec(twoPass, hasGamma, hasBeta) : rmsNormSpec(twoPass, hasGamma));
    if (!twoPass) return this.#out(key, make, size, [this.#device(x), ...affine, n, eps]);
    const stats = this.#runner.run(`rowStats:${kind}`, () => rowStatsSpec(kind), (size / n) * 2, [this.#device(x), n, eps]);
    const out = this.#runner.run(key, make, size, [this.#device(x), stats, ...affine, n, eps]);
    this.#freeDevice(stats);
    return this.#wrap(size, out);
  }

  /** Ids out of range are an error (not a silent read of another row): checked on the host copy, or read back. */
  #checkIndices(indices: TensorHandle, n: number, axis: number): void {
    const data = this.#data(indices.dataId);
    let ids = data.host;
    if (!ids) {
      if (data.size === 0 || !data.device) return;
      this.#counters.readbacks++;
      ids = this.#readDevice(data.device, data.size);
    }
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= n) throw new RangeError(`gather: index ${id} is out of range for dimension ${axis} of size ${n}`);
    }
  }
}

/**
 * How many tiles of K a matmul is split into. A fragment shader cannot share work between threads, so an
 * output of a few hundred elements (a decode step's row) would run on a handful of shader cores with long
 * loops; splitting K multiplies the threads, and a second launch sums the partials.
 */
function splitCount(outSize: number, k: number): number {
  if (outSize >= 16384 || k < 512) return 1;
  return Math.max(1, Math.min(Math.floor(k / 128), Math.floor(16384 / outSize)));
}

/** `values` as the typed array of `dtype` (the same array when it already is). */
function asDType(values: TensorData, dtype: DType): TensorData {
  const expected = allocate(isPackedDType(dtype) ? 'float32' : dtype, 0).constructor as { new (v: ArrayLike<number>): TensorData };
  if (values.constructor === expected) return values;
  if (dtype === 'bool') return Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
  if (dtype === 'int32') return Int32Array.from(values, (v) => Math.round(v));
  return new expected(values);
}
