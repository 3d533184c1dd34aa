import type { TensorData } from '@transformer-kit/tensor';
import type { Texture } from 'gpu.js';
import type { KernelPlan } from './kernel-source';

/**
 * What a kernel produced: a gpu.js Texture in the GL modes (pipeline mode keeps results on the GPU),
 * a Float32Array in gpu.js's cpu mode.
 */
export type DeviceValue = Texture | Float32Array;

/** A device value shared by the storages that view it (a transpose that moves no element, a contiguous slice). */
export class DeviceBuffer {
  refs = 1;
  constructor(readonly value: DeviceValue) {}
}

/**
 * A tensor stored as fixed-size blocks of positions along `axis`: seen as [outer, n, inner], block b holds
 * positions b·block .. b·block + block - 1 as [outer, block, inner] (the last one padded). A KV cache append
 * renders only the blocks it touches, so its cost does not grow with the cache.
 */
export interface BlockedLayout {
  readonly axis: number;
  readonly outer: number;
  readonly n: number;
  readonly inner: number;
  readonly block: number;
  readonly buffers: DeviceBuffer[];
}

/**
 * One tensor's storage (the Backend's DataId). Every dtype lives as float32 values (int32 and bool are
 * exact up to 2^24); the dtype is only applied when reading back.
 *
 * `host` is a copy of uploaded values, kept while it is small or not yet needed on the device: an upload
 * becomes a texture only when a kernel first reads it, and a small one (token ids, scalars) is read back from
 * the host copy without touching the GPU. `blocks`, when set, is the authoritative data and `device` only a
 * contiguous copy made on demand (dropped by the next write).
 */
export class GpuData {
  device: DeviceBuffer | null = null;
  /** Exact host values in the tensor's own typed array (int32 beyond 2^24 stays exact here). */
  host: TensorData | null;
  blocks: BlockedLayout | null = null;
  deferred: Deferred | null = null;
  /** Where this tensor's elements start in `device` (a contiguous slice is a view into its source's buffer). */
  offset = 0;
  disposed = false;

  constructor(
    readonly size: number,
    host: TensorData | null,
  ) {
    this.host = host;
  }
}

/** A tensor argument resolved for a launch: its texture and where its elements start in it. */
export class BoundTensor {
  constructor(
    readonly value: DeviceValue,
    readonly offset: number,
    /** The buffer behind `value`, when the bound holds a reference to it (a deferred launch's input). */
    readonly buffer: DeviceBuffer | null = null,
  ) {}
}

/**
 * A launch not run yet: its plan reads only retained inputs (`holds`), so the tensors it was made from may be
 * freed first. A following op may fuse it into its own launch (see Fusion, which reads `info`); anything
 * else that needs the value runs it.
 */
export interface Deferred {
  readonly plan: KernelPlan;
  readonly holds: readonly DeviceBuffer[];
  readonly info: unknown;
}
