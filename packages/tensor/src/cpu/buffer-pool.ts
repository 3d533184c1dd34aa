import { allocate, type ComputeDType as DType, type TensorData } from '../dtype';

/** Limits of the CPU backend's buffer pool (`createCpuBackend({ bufferPool })`). */
export interface BufferPoolOptions {
  /** Buffers smaller than this many bytes are neither kept nor handed out (default 0: every size is kept). */
  minBytes?: number;
  /** The pool never holds more than this many bytes in total (default 64 MiB). */
  maxBytes?: number;
  /** At most this many idle buffers of one dtype and length (default 8). */
  maxPerSize?: number;
  /**
   * Test hook: a reused buffer is filled with a value no kernel writes by chance (NaN for float32, the
   * smallest int32, 0xAB for bool) before it is handed out, so a kernel that leaves part of its output
   * unwritten shows up as wrong values in the conformance suite instead of as stale ones.
   */
  poison?: boolean;
}

/** What the CPU backend's buffer pool holds and has done (`CpuBackend#bufferPoolStats()`). */
export interface BufferPoolStats {
  /** Bytes held by idle buffers. */
  idleBytes: number;
  /** Outputs served from an idle buffer. */
  reused: number;
  /** Outputs that needed a new allocation of pool size (at or above minBytes). */
  allocated: number;
}

/**
 * Keeps the storage of disposed tensors for the next output of the same dtype and length.
 *
 * A fresh typed array costs more than its size suggests: past 64 bytes V8 puts its data outside the JS heap
 * (a zeroed malloc, external-memory accounting, a finalizer at GC) and large ones map fresh pages that fault
 * on first touch. A decode loop disposes and re-creates the same sizes every step; handing back a buffer it
 * already touched skips all of that (~4% of a stories260K decode step on top of the 64 KiB-and-up buffers).
 *
 * A buffer from `take` holds stale values: the caller must write every element.
 *
 * @example
 * ```ts
 * // the pool is the CPU backend's (internal); it is configured and observed through the backend
 * import { CpuBackend, matmul, setBackend, zeros } from '@transformer-kit/tensor';
 * const cpu = new CpuBackend({ bufferPool: { maxBytes: 1 << 20 } });
 * setBackend(cpu);
 * const x = zeros([64, 64]);
 * matmul(x, x).dispose(); // its 16 KiB go to the pool
 * matmul(x, x).dispose(); // and are taken back here
 * console.log(cpu.bufferPoolStats().reused); // 1
 * ```
 */
export class BufferPool {
  readonly #minBytes: number;
  readonly #maxBytes: number;
  readonly #maxPerSize: number;
  readonly #poison: boolean;
  // idle buffers by dtype, then by length
  readonly #idle: Record<DType, Map<number, TensorData[]>> = { float32: new Map(), int32: new Map(), bool: new Map() };
  #bytes = 0;
  #reused = 0;
  #allocated = 0;

  constructor(options: BufferPoolOptions = {}) {
    this.#minBytes = options.minBytes ?? 0;
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.#maxPerSize = options.maxPerSize ?? 8;
    this.#poison = options.poison ?? false;
  }

  /** A buffer of `size` elements of `dtype`: an idle one when there is one (stale values), else a new one. */
  take(dtype: DType, size: number): TensorData {
    if (size === 0 || size * bytesPerElement(dtype) < this.#minBytes) return allocate(dtype, size);
    const reused = this.#idle[dtype].get(size)?.pop();
    if (reused === undefined) {
      this.#allocated++;
      return allocate(dtype, size);
    }
    this.#bytes -= reused.byteLength;
    this.#reused++;
    if (this.#poison) reused.fill(dtype === 'float32' ? NaN : dtype === 'int32' ? -2147483648 : 0xab);
    return reused;
  }

  /** `take` for float32. */
  takeFloat32(size: number): Float32Array {
    return this.take('float32', size) as Float32Array;
  }

  /** Returns a buffer nobody reads any more; it is kept when it is large enough and the pool has room. */
  give(values: TensorData): void {
    if (values.length === 0 || values.byteLength < this.#minBytes || this.#bytes + values.byteLength > this.#maxBytes) return;
    // a view into a larger buffer (e.g. a subarray) is not ours to recycle
    if (values.byteOffset !== 0 || values.buffer.byteLength !== values.byteLength) return;
    const bySize = this.#idle[dtypeOf(values)];
    let list = bySize.get(values.length);
    if (list === undefined) bySize.set(values.length, (list = []));
    if (list.length >= this.#maxPerSize) return;
    list.push(values);
    this.#bytes += values.byteLength;
  }

  /** Idle bytes and how many outputs were served from the pool. */
  stats(): BufferPoolStats {
    return { idleBytes: this.#bytes, reused: this.#reused, allocated: this.#allocated };
  }

  /** Drops every idle buffer (they are garbage-collected as usual). */
  clear(): void {
    for (const bySize of Object.values(this.#idle)) bySize.clear();
    this.#bytes = 0;
  }
}

function bytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

function dtypeOf(values: TensorData): DType {
  return values instanceof Float32Array ? 'float32' : values instanceof Int32Array ? 'int32' : 'bool';
}
