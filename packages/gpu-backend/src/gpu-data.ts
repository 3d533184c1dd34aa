import type { TensorData } from '@transformer-kit/tensor';
import type { Texture } from 'gpu.js';

/**
 * What a kernel produced: a gpu.js Texture in the GL modes (pipeline mode keeps results on the GPU),
 * a Float32Array in gpu.js's cpu mode.
 */
export type DeviceValue = Texture | Float32Array;

/**
 * One tensor's storage (the Backend's DataId). Every dtype lives as float32 values (int32 and bool are
 * exact up to 2^24); the dtype is only applied when reading back.
 *
 * `host` is a copy of uploaded values, kept while it is small or not yet needed on the device: an upload
 * becomes a texture only when a kernel first reads it (`materialize`), and a small one (token ids, scalars)
 * is read back from the host copy without touching the GPU. `writeSlice` drops the host copy.
 */
export class GpuData {
  device: DeviceValue | null = null;
  /** Exact host values in the tensor's own typed array (int32 beyond 2^24 stays exact here). */
  host: TensorData | null;
  disposed = false;

  constructor(
    readonly size: number,
    host: TensorData | null,
  ) {
    this.host = host;
  }
}
