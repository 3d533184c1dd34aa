/**
 * The quantized kernels' own WebAssembly memory, kept small and contained (so moving it onto a shared heap
 * later is one file): blocks are handed out first-fit from freed ones, else from the top (growing the
 * memory); freed blocks are kept for reuse. Views must be made afresh after any `alloc` (growth replaces
 * the buffer).
 */
const PAGE = 65536;

export class WasmHeap {
  #top: number;
  readonly #free: { offset: number; bytes: number }[] = [];
  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.#top = base;
  }

  /** Bytes in use below the top (weights and scratch). */
  get usedBytes(): number {
    return this.#top - this.#free.reduce((s, b) => s + b.bytes, 0);
  }

  /** A block of at least `bytes` bytes, 16-byte aligned. */
  alloc(bytes: number): number {
    const size = Math.ceil(bytes / 16) * 16;
    const i = this.#free.findIndex((b) => b.bytes >= size);
    if (i >= 0) {
      const b = this.#free[i];
      this.#free.splice(i, 1);
      if (b.bytes > size) this.#free.push({ offset: b.offset + size, bytes: b.bytes - size });
      return b.offset;
    }
    const offset = this.#top;
    const end = offset + size;
    if (end > this.memory.buffer.byteLength) this.memory.grow(Math.ceil((end - this.memory.buffer.byteLength) / PAGE));
    this.#top = end;
    return offset;
  }

  /** Returns a block from `alloc` (with its requested size) for reuse. */
  free(offset: number, bytes: number): void {
    this.#free.push({ offset, bytes: Math.ceil(bytes / 16) * 16 });
  }
}
