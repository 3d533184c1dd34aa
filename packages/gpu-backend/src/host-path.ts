import { createCpuBackend, type Backend, type DataId, type TensorData, type TensorHandle } from '@transformer-kit/tensor';

/**
 * Exact int32 arithmetic for tensors that live on the host.
 *
 * A float32 texture holds integers exactly only up to 2^24, and GLSL ES 1.0 (headless GL, WebGL1) has no
 * way to reinterpret float bits as an int. int32 tensors in a model are token ids, positions and counters,
 * made on the host and small; an op whose inputs all have host copies and include an int32 tensor runs on
 * the CPU backend instead, so `2^30 + 5` stays exact and the bookkeeping costs no GPU launch.
 * int32 tensors made on the GPU (argmax, a float → int32 cast) hold values below 2^24 and stay there.
 */
/** An op written against the CPU backend, for the host path. */
export type HostOp = (cpu: Backend, handles: TensorHandle[]) => DataId;

export class HostPath {
  readonly #cpu: Backend = createCpuBackend();

  /** Runs `op` on the CPU backend over `values`, the host copies of `inputs`; returns the result's values. */
  run(inputs: readonly TensorHandle[], values: readonly TensorData[], op: HostOp): TensorData {
    const handles = inputs.map((handle, i) => ({ dataId: this.#cpu.upload(values[i].slice(), handle.shape, handle.dtype), shape: handle.shape, dtype: handle.dtype }));
    try {
      const out = op(this.#cpu, handles);
      const values = this.#cpu.readSync!(out, [], 'float32');
      this.#cpu.disposeData(out);
      return values;
    } finally {
      for (const h of handles) this.#cpu.disposeData(h.dataId);
    }
  }

  /** writeSlice on host copies: returns the new target values. */
  writeSlice(target: TensorHandle, targetValues: TensorData, value: TensorHandle, valueValues: TensorData, begin: readonly number[]): TensorData {
    const t = this.#cpu.upload(targetValues.slice(), target.shape, target.dtype);
    const v = this.#cpu.upload(valueValues.slice(), value.shape, value.dtype);
    this.#cpu.writeSlice({ dataId: t, shape: target.shape, dtype: target.dtype }, { dataId: v, shape: value.shape, dtype: value.dtype }, begin);
    const out = this.#cpu.readSync!(t, target.shape, target.dtype);
    this.#cpu.disposeData(t);
    this.#cpu.disposeData(v);
    return out;
  }
}
