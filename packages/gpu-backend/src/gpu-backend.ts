import type { GPU } from 'gpu.js';
import { isPackedDType, requireWeightKernels, sizeOf, type Backend, type BinaryOp, type DataId, type DType, type FusedAttentionOptions, type ReduceOp, type RotaryLayout, type Shape, type TensorData, type TensorHandle, type UnaryOp } from '@transformer-kit/tensor';
import { appendAxis, writeBlocked } from './blocked-write';
import { Fusion } from './fusion';
import type { GlTextureCounter } from './gl-texture-counter';
import type { GpuBackendInfo, GpuBackendStats } from './gpu-backend-info';
import type { DeviceValue, GpuData } from './gpu-data';
import { asDType, GpuStorage } from './gpu-storage';
import { sharedContext } from './gpujs-internals';
import { HostPath, type HostOp } from './host-path';
import { KernelRunner, type KernelCounters } from './kernel-runner';
import type { KernelArg, KernelPlan } from './kernel-source';
import { attentionPlan, type AttentionSource } from './kernels/attention-kernels';
import { activationExpr, binaryPlan, castPlan, mapPlan, unaryPlan, wherePlan } from './kernels/elementwise-kernels';
import { concatPlan, contiguousSliceStart, gatherPlan, isLayoutPreserving, slicePlan, transposePlan, writeSliceCall } from './kernels/layout-kernels';
import { matmulPlan } from './kernels/matmul-kernels';
import { normPlan, softmaxPlan } from './kernels/norm-kernels';
import { reducePlan } from './kernels/reduce-kernels';
import { rotaryPlan } from './kernels/rotary-kernel';

/**
 * A Backend made of gpu.js kernels. Tensors live in float32 textures and stay on the GPU between kernels;
 * only `read` copies data back. Create it with `createGpuBackend()`.
 *
 * This class is the dispatch table: each op names its kernel plan (kernels/*.ts pack the arguments) and,
 * for ops int32 bookkeeping goes through, the exact host fallback; `#op` decides host-or-GPU once,
 * GpuStorage owns every texture, and Fusion merges a decode step's norm → matmul → residual/SwiGLU chains.
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
  readonly #counters: KernelCounters = { launches: 0, compiles: 0, texels: 0 };
  readonly #runner: KernelRunner;
  readonly #storage: GpuStorage;
  readonly #hostPath = new HostPath();
  readonly #glTextures: GlTextureCounter | null;
  readonly #fusion: Fusion;

  /** @internal Use `createGpuBackend()`. */
  constructor(gpu: GPU, info: GpuBackendInfo, loopMaxIterations: number, glTextures: GlTextureCounter | null = null) {
    this.#gpu = gpu;
    this.info = info;
    this.name = `gpu.js:${info.mode}`;
    this.#glTextures = glTextures;
    // NOTE: gpu.js creates its shared context with the first kernel; an opted-in counter attaches from then on.
    this.#runner = new KernelRunner(gpu, info.mode, this.#counters, loopMaxIterations, () => glTextures?.attach(sharedContext(gpu)));
    this.#storage = new GpuStorage(this.#runner, this.name, (plan) => this.#execute(plan));
    this.#fusion = new Fusion(this.#storage, (plan) => this.#execute(plan));
  }

  /** Counters and live-resource counts. */
  stats(): GpuBackendStats {
    const s = this.#storage;
    const c = this.#counters;
    return { launches: c.launches, readbacks: s.readbacks, texelsWritten: c.texels, compiledKernels: this.#runner.size, liveData: s.liveData, liveTextures: s.liveBuffers, glTextures: this.#glTextures?.live ?? null };
  }

  /** Device buffers alive right now (flat over a long generation when nothing leaks). */
  liveTextureCount(): number {
    return this.#storage.liveBuffers;
  }

  liveDataCount(): number {
    return this.#storage.liveData;
  }

  // ---- storage ----
  upload(values: TensorData, shape: Shape, dtype: DType): DataId {
    // NOTE: a packed weight (q4_k, f16...) is decoded to float32 here (gpu.js reads float textures): 4 bytes a weight, Q4_K ~7× its file size
    if (isPackedDType(dtype)) return this.#storage.fromHost(requireWeightKernels('upload', dtype).dequantize({ dtype, bytes: values as Uint8Array, rows: shape[0], cols: shape[1] }));
    if (values.length !== sizeOf(shape)) throw new RangeError(`upload: ${values.length} values for shape [${shape.join(', ')}]`);
    return this.#storage.fromHost(asDType(values, dtype));
  }
  read(dataId: DataId, shape: Shape, dtype: DType): Promise<TensorData> {
    try {
      return Promise.resolve(this.readSync(dataId, shape, dtype));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  readSync(dataId: DataId, _shape: Shape, dtype: DType): TensorData {
    return this.#storage.read(dataId, dtype);
  }
  disposeData(dataId: DataId): void {
    this.#storage.dispose(dataId);
  }
  writeSlice(target: TensorHandle, value: TensorHandle, begin: readonly number[]): void {
    if (sizeOf(value.shape) === 0) return;
    const data = this.#storage.data(target.dataId);
    const host = this.#storage.hostValues([target, value]);
    if (host) return this.#storage.replaceHost(data, this.#hostPath.writeSlice(target, host[0], value, host[1], begin));
    const axis = appendAxis(target, value);
    if (axis >= 0 && (!data.blocks || data.blocks.axis === axis)) return writeBlocked(this.#storage, (plan) => this.#execute(plan), data, target, value, begin, axis);
    this.#storage.replace(data, this.#execute([writeSliceCall(target, target.shape, value, value.shape, begin)]));
  }

  // ---- primitives ----
  matmul(a: TensorHandle, b: TensorHandle, transposeA: boolean, transposeB: boolean, outShape: Shape): DataId {
    return this.#fusion.matmul(a, b, transposeA, transposeB, outShape) ?? this.#op([a, b], null, () => matmulPlan(a, b, transposeA, transposeB, outShape));
  }
  unary(op: UnaryOp, x: TensorHandle): DataId {
    return this.#op([x], null, () => unaryPlan(op, x));
  }
  binary(op: BinaryOp, a: TensorHandle, b: TensorHandle, outShape: Shape, outDType: DType): DataId {
    const fused = (op === 'add' || op === 'mul') && outDType === 'float32' ? this.#fusion.binary(op, a, b, outShape) : null;
    if (fused) return fused;
    return this.#op([a, b], (cpu, [x, y]) => cpu.binary(op, x, y, outShape, outDType), () => binaryPlan(op, a, b, outShape, outDType));
  }
  reduce(op: ReduceOp, x: TensorHandle, axis: number): DataId {
    return this.#op([x], (cpu, [h]) => cpu.reduce(op, h, axis), () => reducePlan(op, x, axis));
  }
  gather(table: TensorHandle, indices: TensorHandle, axis: number): DataId {
    const onHost: HostOp | null = table.dtype === 'int32' ? (cpu, [t, i]) => cpu.gather(t, i, axis) : null;
    return this.#op([table, indices], onHost, () => gatherPlan(table, indices, axis, this.#checkIndices(indices, table.shape[axis], axis)));
  }
  transpose(x: TensorHandle, perm: readonly number[]): DataId {
    if (isLayoutPreserving(x.shape, perm) && !this.#storage.hostValues([x])) return this.#storage.view(this.#storage.data(x.dataId));
    return this.#op([x], (cpu, [h]) => cpu.transpose(h, perm), () => transposePlan(x, perm));
  }
  slice(x: TensorHandle, begin: readonly number[], size: readonly number[]): DataId {
    const base = contiguousSliceStart(x.shape, begin, size);
    if (base >= 0 && !this.#storage.hostValues([x])) return this.#storage.view(this.#storage.data(x.dataId), base, sizeOf(size));
    return this.#op([x], (cpu, [h]) => cpu.slice(h, begin, size), () => slicePlan(x, begin, size));
  }
  concat(xs: readonly TensorHandle[], axis: number, outShape: Shape): DataId {
    return this.#op(xs, (cpu, hs) => cpu.concat(hs, axis, outShape), () => concatPlan(xs, axis, outShape));
  }
  where(cond: TensorHandle, a: TensorHandle, b: TensorHandle, outShape: Shape): DataId {
    return this.#op([cond, a, b], (cpu, [hc, ha, hb]) => cpu.where(hc, ha, hb, outShape), () => wherePlan(cond, a, b, outShape));
  }
  cast(x: TensorHandle, dtype: DType): DataId {
    return this.#op([x], (cpu, [h]) => cpu.cast(h, dtype), () => castPlan(x, dtype));
  }

  // ---- fused kernels ----
  softmax(x: TensorHandle): DataId {
    return this.#op([x], null, () => softmaxPlan(x));
  }
  layerNorm(x: TensorHandle, gamma: TensorHandle | null, beta: TensorHandle | null, eps: number): DataId {
    return this.#op([x], null, () => normPlan('layerNorm', x, gamma, beta, eps));
  }
  rmsNorm(x: TensorHandle, gamma: TensorHandle | null, eps: number): DataId {
    return this.#fusion.rmsNorm(x, gamma, eps) ?? this.#op([x], null, () => normPlan('rmsNorm', x, gamma, null, eps));
  }
  gelu(x: TensorHandle, approximate: 'none' | 'tanh'): DataId {
    return this.#op([x], null, () => (approximate === 'tanh' ? mapPlan('gelu:tanh', activationExpr.geluTanh, x) : mapPlan('gelu:none', activationExpr.geluNone, x)));
  }
  silu(x: TensorHandle): DataId {
    return this.#fusion.silu(x) ?? this.#op([x], null, () => mapPlan('silu', activationExpr.silu, x));
  }
  rotary(x: TensorHandle, cos: TensorHandle, sin: TensorHandle, layout: RotaryLayout): DataId {
    return this.#op([x], null, () => rotaryPlan(x, cos, sin, layout));
  }
  attention(q: TensorHandle, k: TensorHandle, v: TensorHandle, options: FusedAttentionOptions): DataId {
    return this.#op([q], null, () => attentionPlan(q, k.shape[1], this.#attentionSource(k, v), options));
  }

  /** Frees every kernel and texture; the backend cannot be used afterwards. */
  destroy(): void {
    this.#runner.destroy();
    this.#gpu.destroy();
  }

  // ---- dispatch ----

  /** The one host-or-GPU decision: int32 inputs that all have host copies run exactly on the host (HostPath). */
  #op(inputs: readonly TensorHandle[], onHost: HostOp | null, plan: () => KernelPlan): GpuData {
    const host = onHost && this.#storage.hostValues(inputs);
    if (onHost && host) return this.#storage.fromHost(this.#hostPath.run(inputs, host, onHost));
    const p = plan();
    const size = p.length ? p[p.length - 1].size : 0;
    return size === 0 ? this.#storage.empty() : this.#storage.fromDevice(size, this.#execute(p));
  }

  /** Runs a plan's launches in order; returns the last output, freeing the others. */
  #execute(plan: KernelPlan): DeviceValue {
    const outputs: DeviceValue[] = [];
    for (const call of plan) {
      const args = call.args.map((a) => this.#resolve(a, outputs));
      outputs.push(this.#runner.run(call.key, call.make, call.size, args));
    }
    for (const value of outputs.slice(0, -1)) this.#storage.free(value);
    return outputs[outputs.length - 1];
  }

  #resolve(arg: KernelArg, outputs: readonly DeviceValue[]): unknown {
    if (typeof arg === 'number' || arg instanceof Float32Array) return arg;
    if ('temp' in arg) return outputs[arg.temp];
    if ('dataId' in arg) return this.#storage.bind(arg);
    return arg;
  }

  /**
   * K/V as blocks, `info.attentionBlocksPerLaunch` of each bound per launch (attentionPlan chains launches for a
   * longer cache: nothing is joined); a tensor that is not a blocked cache is one block.
   */
  #attentionSource(k: TensorHandle, v: TensorHandle): AttentionSource {
    const [kb, vb] = [this.#storage.data(k.dataId).blocks, this.#storage.data(v.dataId).blocks];
    const perLaunch = this.info.attentionBlocksPerLaunch;
    if (kb && vb && kb.axis === 2 && vb.axis === 2 && kb.block === vb.block) {
      return { keys: kb.buffers.map((b) => b.value), values: vb.buffers.map((b) => b.value), positions: kb.block, perLaunch };
    }
    return { keys: [k], values: [v], positions: k.shape[2], perLaunch };
  }

  /** Ids out of range are an error (not a silent read of another row): checked on the host copy, or read back. */
  #checkIndices(indices: TensorHandle, n: number, axis: number): ArrayLike<number> | null {
    const data = this.#storage.data(indices.dataId);
    if (data.size === 0) return null;
    const ids = this.#storage.readFloats(data);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= n) throw new RangeError(`gather: index ${id} is out of range for dimension ${axis} of size ${n}`);
    }
    return data.host;
  }
}
