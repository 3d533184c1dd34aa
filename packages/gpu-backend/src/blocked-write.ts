import { sizeOf, type TensorHandle } from '@transformer-kit/tensor';
import type { BlockedLayout, DeviceBuffer, DeviceValue, GpuData } from './gpu-data';
import type { GpuStorage } from './gpu-storage';
import type { KernelPlan } from './kernel-source';
import { blockSliceCall, blockWriteCall } from './kernels/block-kernels';

/** Positions per block of a blocked tensor (a KV cache): an append re-renders one block of this many. */
export const BLOCK_POSITIONS = 64;

/**
 * The axis a write of `value` into `target` appends along, when it is a KV-cache-like append worth blocking:
 * every other dimension is whole, and the axis is longer than one block. Else -1 (a plain re-render).
 */
export function appendAxis(target: TensorHandle, value: TensorHandle): number {
  if (target.dtype !== 'float32' || target.shape.length < 2) return -1;
  const differing = target.shape.map((n, d) => (n !== value.shape[d] ? d : -1)).filter((d) => d >= 0);
  return differing.length === 1 && target.shape[differing[0]] > BLOCK_POSITIONS ? differing[0] : -1;
}

/**
 * `value` written into a blocked `data` along `axis` (converting it to blocks on its first append, a one-time
 * cost): only the blocks the value touches are re-rendered, so the texels written per append do not depend on
 * how long the cache is.
 */
export function writeBlocked(storage: GpuStorage, run: (plan: KernelPlan) => DeviceValue, data: GpuData, target: TensorHandle, value: TensorHandle, begin: readonly number[], axis: number): void {
  const layout = data.blocks ?? toBlocks(storage, run, data, target, axis);
  const seq = value.shape[axis];
  const start = begin[axis];
  for (let b = Math.floor(start / layout.block); b * layout.block < start + seq; b++) {
    const next = run([blockWriteCall(layout, b, value, seq, start)]);
    storage.release(layout.buffers[b]);
    layout.buffers[b] = storage.buffer(next);
  }
  // NOTE: a contiguous copy made for another op is stale now; the host copy too.
  storage.dropDevice(data);
  data.host = null;
}

function toBlocks(storage: GpuStorage, run: (plan: KernelPlan) => DeviceValue, data: GpuData, target: TensorHandle, axis: number): BlockedLayout {
  storage.device(data);
  const outer = sizeOf(target.shape.slice(0, axis));
  const n = target.shape[axis];
  const inner = sizeOf(target.shape.slice(axis + 1));
  const block = BLOCK_POSITIONS;
  const count = Math.ceil(n / block);
  // NOTE: cut last to first. gpu.js keeps a kernel's latest output as its own texture, so the block cut last is
  // freed only by the kernel; cutting block 0 last puts that one-time GL texture at the first append, not mid-generation.
  const buffers = new Array<DeviceBuffer>(count);
  for (let b = count - 1; b >= 0; b--) buffers[b] = storage.buffer(run([blockSliceCall(target, outer, n, inner, block, b)]));
  data.blocks = { axis, outer, n, inner, block, buffers };
  return data.blocks;
}
