/**
 * A CPU storage: a block of the backend's heap (address, element count, dtype) and a cached typed-array view
 * of it, re-made when the heap's memory grew and detached the old one (a non-shared memory).
 */
import type { ComputeDType, TensorData } from '../../dtype';
import type { PackedWeight } from '../../weights/weight-kernels';
import type { Heap } from './heap';

/** Bytes per element of each storage kind ('bytes' holds a packed weight). */
export function elementBytes(kind: ComputeDType | 'bytes'): number {
  return kind === 'bool' || kind === 'bytes' ? 1 : 4;
}

/**
 * One storage in the heap.
 *
 * @example
 * ```ts
 * // internal to the CPU backend
 * import { Heap } from './packages/tensor/src/cpu/heap/heap';
 * import { CpuData } from './packages/tensor/src/cpu/heap/cpu-data';
 * const heap = new Heap({ shared: false, initialBytes: 1 << 16 });
 * const data = new CpuData(heap, 'float32', 4);
 * data.values.set([1, 2, 3, 4]);
 * heap.alloc(1 << 20); // grows the memory: the old view is detached, `values` makes a new one
 * console.log(Array.from(data.values)); // [1, 2, 3, 4]
 * ```
 */
export class CpuData {
  /** For a weight dtype: the packed weight whose bytes are this block. */
  packed: PackedWeight | null = null;
  /** Byte address in the heap (0 for an empty storage). */
  readonly ptr: number;
  // made on first use: a storage that only WebAssembly kernels touch never needs one
  #view: TensorData | null = null;
  #generation = -1;

  constructor(
    readonly heap: Heap,
    readonly kind: ComputeDType | 'bytes',
    readonly length: number,
    poisonWord = 0,
  ) {
    this.ptr = length === 0 ? 0 : heap.alloc(length * elementBytes(kind), poisonWord);
  }

  /** The storage's elements: a view of the heap, valid until the next allocation (which may grow it). */
  get values(): TensorData {
    if (this.#view === null || this.#generation !== this.heap.generation) {
      this.#generation = this.heap.generation;
      this.#view = this.#makeView();
    }
    return this.#view;
  }

  /** Returns the block to the heap. */
  free(): void {
    if (this.length > 0) this.heap.free(this.ptr, this.length * elementBytes(this.kind));
  }

  #makeView(): TensorData {
    const { heap, ptr, length, kind } = this;
    if (kind === 'float32') return new Float32Array(heap.memory.buffer, ptr, length);
    if (kind === 'int32') return new Int32Array(heap.memory.buffer, ptr, length);
    return new Uint8Array(heap.memory.buffer, ptr, length);
  }
}
