/**
 * A bounds-checked little-endian cursor over a GGUF file: every read past the end is a "truncated" error
 * naming what was being read, never garbage; counts that could not fit in the file are refused before any
 * allocation.
 */
export class GgufCursor {
  offset = 0;
  readonly #view: DataView;
  readonly #decoder = new TextDecoder('utf-8', { fatal: false });
  constructor(
    readonly bytes: Uint8Array,
    readonly fail: (message: string) => never,
  ) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number, what: string): void {
    if (this.offset + n > this.bytes.byteLength) this.fail(`the file is truncated while reading ${what} at byte ${this.offset} (${this.bytes.byteLength} bytes in all)`);
  }
  u8(what: string): number { this.need(1, what); return this.#view.getUint8(this.offset++); }
  i8(what: string): number { this.need(1, what); return this.#view.getInt8(this.offset++); }
  u16(what: string): number { this.need(2, what); const v = this.#view.getUint16(this.offset, true); this.offset += 2; return v; }
  i16(what: string): number { this.need(2, what); const v = this.#view.getInt16(this.offset, true); this.offset += 2; return v; }
  u32(what: string): number { this.need(4, what); const v = this.#view.getUint32(this.offset, true); this.offset += 4; return v; }
  i32(what: string): number { this.need(4, what); const v = this.#view.getInt32(this.offset, true); this.offset += 4; return v; }
  f32(what: string): number { this.need(4, what); const v = this.#view.getFloat32(this.offset, true); this.offset += 4; return v; }
  f64(what: string): number { this.need(8, what); const v = this.#view.getFloat64(this.offset, true); this.offset += 8; return v; }
  u64(what: string): number | bigint {
    this.need(8, what);
    const v = this.#view.getBigUint64(this.offset, true);
    this.offset += 8;
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  i64(what: string): number | bigint {
    this.need(8, what);
    const v = this.#view.getBigInt64(this.offset, true);
    this.offset += 8;
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
  }
  /** A u64 count of items that take at least `minBytes` each: refused when they could not fit in the rest of the file. */
  count(what: string, minBytes = 1): number {
    const n = this.u64(what);
    const room = this.bytes.byteLength - this.offset;
    if (typeof n === 'bigint' || n * minBytes > room) this.fail(`${what} is ${n}, more than the ${room} bytes left in the file could hold (rule: counts must fit in the file)`);
    return n;
  }
  string(what: string): string {
    const n = this.count(`the length of ${what}`);
    this.need(n, what);
    const s = this.#decoder.decode(this.bytes.subarray(this.offset, this.offset + n));
    this.offset += n;
    return s;
  }
}
