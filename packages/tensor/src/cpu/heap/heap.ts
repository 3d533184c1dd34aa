/**
 * The CPU backend's one WebAssembly memory (the "heap"): every storage of the backend lives here, so the
 * WebAssembly kernels read weights and activations in place and the JavaScript kernels work on views of the
 * same bytes. Shared (`SharedArrayBuffer`) where the runtime has it, so worker threads compute on it too;
 * else a plain memory, whose growth DETACHES every view made before it: a holder of a view re-makes it when
 * `generation` changed (CpuData does), and a kernel takes its input views after allocating its output.
 *
 * Allocation: 16-byte-aligned blocks rounded to a size class (size-class.ts), one free list per class; a
 * freed block waits in its list for the next request of that class, so a warmed-up generation loop, which
 * frees and asks for the same sizes every step, never grows the heap. Address 0 is never handed out (a
 * kernel argument 0 means "none").
 */
import { sizeClass } from './size-class';

const PAGE = 65536;
/** wasm32 addresses 2^32 bytes: 65536 pages. */
const MAX_PAGES = 65536;
/** The first bytes stay unused: pointer 0 means "no operand" to the kernels. */
const RESERVED = 64;

/** Options of the CPU backend's heap (`createCpuBackend({ heap })`). */
export interface HeapOptions {
  /** Bytes the memory starts with (default 1 MiB); it grows as tensors need. */
  initialBytes?: number;
  /** The heap never grows past this many bytes (default and most: 4 GiB, the wasm32 limit). */
  maxBytes?: number;
  /** Force a non-shared memory even where SharedArrayBuffer exists (tests; no threads then). */
  shared?: boolean;
  /**
   * Test hook: a reused block is filled with a value no kernel writes by chance (NaN for float32, the
   * smallest int32, 0xAB for bool) before it is handed out, so a kernel that leaves part of its output
   * unwritten shows up as wrong values in the conformance suite instead of as stale ones.
   */
  poison?: boolean;
  /**
   * Called with the memory and the first byte not yet advised when the heap is made and after each growth,
   * before a kernel touches the new bytes; returns how many bytes it advised (summed in `stats().advisedBytes`).
   * In Node on Linux, `adviseHugePages` from `@transformer-kit/tensor/node` asks the kernel for transparent huge
   * pages there, which a WebAssembly memory cannot do by itself.
   *
   * @example
   * ```ts
   * import { createCpuBackend } from '@transformer-kit/tensor';
   * import { adviseHugePages } from '@transformer-kit/tensor/node';
   * const backend = createCpuBackend({ heap: { advise: adviseHugePages } });
   * ```
   */
  advise?: HeapAdvisor;
}

/** `HeapOptions.advise`: told of the bytes from `fromByte` to the memory's end; returns the bytes it advised. */
export type HeapAdvisor = (memory: WebAssembly.Memory, fromByte: number) => number;

/** What the heap holds (`CpuBackend#engineStats()` reports the first two). */
export interface HeapStats {
  /** Bytes of the WebAssembly memory. */
  heapBytes: number;
  /** Bytes in blocks handed out and not freed. */
  usedBytes: number;
  /** Bytes in freed blocks waiting for reuse. */
  idleBytes: number;
  /** Requests served from a freed block. */
  reused: number;
  /** Requests served from fresh memory. */
  allocated: number;
  /** Times the memory grew. */
  grows: number;
  /** Bytes the `advise` option reported advising (0 without one). */
  advisedBytes: number;
}

/**
 * One WebAssembly memory and its allocator.
 *
 * @example
 * ```ts
 * // the heap is the CPU backend's (internal); it is configured and observed through the backend
 * import { Heap } from './packages/tensor/src/cpu/heap/heap';
 * const heap = new Heap({ initialBytes: 1 << 16 });
 * const p = heap.alloc(1000);
 * heap.f32.fill(1, p / 4, p / 4 + 250);
 * heap.free(p, 1000);
 * console.log(heap.alloc(1000) === p, heap.stats().reused); // true 1
 * ```
 */
export class Heap {
  readonly memory: WebAssembly.Memory;
  /** True when the memory is shared (threads possible, views never detach). */
  readonly shared: boolean;
  /** The byte limit: `maxBytes`, at most 4 GiB. */
  readonly maxBytes: number;
  /** Changes when views over the memory were detached (a non-shared memory grew): re-make them. */
  generation = 0;
  f32!: Float32Array;
  i32!: Int32Array;
  u8!: Uint8Array;
  readonly #free = new Map<number, number[]>();
  readonly #poison: boolean;
  readonly #advise: HeapAdvisor | undefined;
  #advised = 0;
  #top = RESERVED;
  #used = 0;
  #idle = 0;
  #reused = 0;
  #allocated = 0;
  #grows = 0;

  constructor(options: HeapOptions = {}) {
    const maxBytes = options.maxBytes ?? MAX_PAGES * PAGE;
    if (!(maxBytes > RESERVED)) throw new RangeError(`heap: maxBytes ${maxBytes} must be more than ${RESERVED}`);
    this.maxBytes = Math.min(maxBytes, MAX_PAGES * PAGE);
    const maximum = Math.ceil(this.maxBytes / PAGE);
    const initial = Math.min(maximum, Math.max(1, Math.ceil((options.initialBytes ?? 1 << 20) / PAGE)));
    const wantShared = options.shared ?? typeof SharedArrayBuffer === 'function';
    let memory: WebAssembly.Memory | null = null;
    if (wantShared) {
      try {
        memory = new WebAssembly.Memory({ initial, maximum, shared: true });
      } catch {
        memory = null; // e.g. a runtime that has SharedArrayBuffer but no wasm threads
      }
    }
    this.shared = memory !== null;
    this.memory = memory ?? new WebAssembly.Memory({ initial, maximum });
    this.#poison = options.poison ?? false;
    this.#advise = options.advise;
    this.#remakeViews();
    this.#adviseFrom(0);
  }

  /** Bytes of the memory now. */
  get byteLength(): number {
    return this.u8.byteLength;
  }

  /**
   * A block of at least `bytes` (16-byte aligned), its byte address. With the `poison` option a reused block
   * is filled with `poisonWord` (a 32-bit pattern). A RangeError when the heap cannot grow to hold it.
   */
  alloc(bytes: number, poisonWord = 0): number {
    const size = sizeClass(bytes);
    const list = this.#free.get(size);
    if (list !== undefined && list.length > 0) {
      const ptr = list.pop()!;
      this.#idle -= size;
      this.#used += size;
      this.#reused++;
      if (this.#poison) new Uint32Array(this.memory.buffer, ptr, size / 4).fill(poisonWord);
      return ptr;
    }
    const end = this.#top + size;
    if (end > this.byteLength) this.#grow(end, bytes);
    const ptr = this.#top;
    this.#top = end;
    this.#used += size;
    this.#allocated++;
    return ptr;
  }

  /** Returns a block from `alloc` (with the size it was asked for) to its free list. */
  free(ptr: number, bytes: number): void {
    const size = sizeClass(bytes);
    let list = this.#free.get(size);
    if (list === undefined) this.#free.set(size, (list = []));
    list.push(ptr);
    this.#used -= size;
    this.#idle += size;
  }

  stats(): HeapStats {
    return { heapBytes: this.byteLength, usedBytes: this.#used, idleBytes: this.#idle, reused: this.#reused, allocated: this.#allocated, grows: this.#grows, advisedBytes: this.#advised };
  }

  /** Grows the memory so that `end` fits: by at least half its size (fewer grows), within the limit. */
  #grow(end: number, asked: number): void {
    const have = this.byteLength;
    if (end > this.maxBytes) {
      const limit = this.maxBytes === MAX_PAGES * PAGE ? 'the 4 GiB wasm32 limit' : `heap.maxBytes ${this.maxBytes}`;
      throw new RangeError(
        `CPU backend heap: cannot allocate ${asked} bytes: the heap holds ${have} bytes (${this.#used} in use, ${this.#idle} idle) and may not grow past ${limit} (${this.maxBytes} bytes)`,
      );
    }
    const maxPages = Math.ceil(this.maxBytes / PAGE);
    const pages = Math.min(maxPages, Math.max(Math.ceil(end / PAGE), Math.ceil((have * 1.5) / PAGE)));
    try {
      this.memory.grow(pages - have / PAGE);
    } catch {
      // the engine could not commit that much: try the exact need before giving up
      try {
        this.memory.grow(Math.ceil(end / PAGE) - have / PAGE);
      } catch {
        throw new RangeError(`CPU backend heap: cannot allocate ${asked} bytes: growing the heap from ${have} to ${end} bytes failed (out of memory; the limit is ${this.maxBytes} bytes)`);
      }
    }
    this.#grows++;
    this.#remakeViews();
    if (!this.shared) this.generation++;
    this.#adviseFrom(have);
  }

  #adviseFrom(fromByte: number): void {
    if (this.#advise) this.#advised += this.#advise(this.memory, fromByte);
  }

  #remakeViews(): void {
    const buffer = this.memory.buffer;
    this.f32 = new Float32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }
}
