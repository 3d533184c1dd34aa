import { instantiateF32Kernels, SCRATCH_BYTES, type F32Kernels } from '../src/cpu/wasm/f32-kernels';

/**
 * A WebAssembly memory with the f32 kernels over it and a bump allocator, for the kernel tests: arrays go in
 * with `put`, results come out with `read`, and `reset` frees everything (each test starts from a clean heap).
 */
export class TestHeap {
  readonly memory: WebAssembly.Memory;
  readonly kernels: F32Kernels;
  /** Two scratch regions, as two threads would have. */
  readonly scratch: readonly [number, number];
  #top: number;
  readonly #base: number;

  constructor(pages = 512, shared = true) {
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: 65536, shared });
    this.kernels = instantiateF32Kernels(this.memory, shared);
    // scratch first, filled with NaN so a kernel that reads scratch it never wrote shows it
    this.scratch = [16, 16 + SCRATCH_BYTES];
    new Float32Array(this.memory.buffer, 16, (2 * SCRATCH_BYTES) / 4).fill(NaN);
    this.#base = 16 + 2 * SCRATCH_BYTES;
    this.#top = this.#base;
  }

  /** A 16-byte-aligned block of `floats` float32s, filled with `fill` (NaN by default: unwritten output shows). */
  alloc(floats: number, fill = NaN): number {
    const at = this.#top;
    this.#top += Math.ceil((floats * 4) / 16) * 16 + 16;
    if (this.#top > this.memory.buffer.byteLength) throw new Error(`TestHeap: ${this.#top} bytes needed, the memory has ${this.memory.buffer.byteLength}`);
    new Float32Array(this.memory.buffer, at, floats).fill(fill);
    return at;
  }

  /** Copies `values` in; returns their byte offset. */
  put(values: ArrayLike<number>): number {
    const at = this.alloc(values.length);
    new Float32Array(this.memory.buffer, at, values.length).set(values);
    return at;
  }

  /** A copy of `floats` float32s at byte offset `at`. */
  read(at: number, floats: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, floats).slice();
  }

  reset(): void {
    this.#top = this.#base;
  }
}

/** Values from a fixed-seed LCG, uniform in [lo, hi). */
export function randoms(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 2 ** 32;
  });
}

/**
 * Runs `call(begin, end, scratch)` over [0, total) split at `cuts` (sorted positions inside the range),
 * alternating the two scratch regions as two threads would.
 */
export function runSplit(heap: TestHeap, total: number, cuts: readonly number[], call: (begin: number, end: number, scratch: number) => void): void {
  const bounds = [0, ...cuts.filter((c) => c > 0 && c < total), total];
  for (let i = 0; i + 1 < bounds.length; i++) call(bounds[i], bounds[i + 1], heap.scratch[i % 2]);
}

/** The first index where actual and expected differ by more than tol(i), as a message; null when none. */
export function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: (i: number) => number): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === e) continue;
    if (Number.isNaN(e) ? !Number.isNaN(a) : !(Math.abs(a - e) <= tol(i))) return `[${i}]: ${a} vs ${e} (tolerance ${tol(i)})`;
  }
  return null;
}
