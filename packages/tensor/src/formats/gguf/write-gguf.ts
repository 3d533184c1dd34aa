/**
 * A small GGUF v3 writer: metadata key/values and tensors laid out as llama.cpp lays them out (each tensor
 * at the running offset padded to the alignment). Enough to write test files and to save a model in another
 * weight type (the bench makes its Q8_0 and F32 files with it).
 */
import type { GgufValue } from './read-gguf';

/** A metadata value with its GGUF value type made explicit (4 uint32, 5 int32, 6 float32, 8 string, 10 uint64, ...). */
export interface GgufTypedValue {
  readonly type: number;
  readonly value: GgufValue;
  /** For arrays: the element type. */
  readonly elementType?: number;
}

/** One tensor to write: row-major shape, ggml type id, and its bytes as ggml stores them. */
export interface GgufWriteTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: number;
  readonly data: Uint8Array;
}

/** What `writeGguf` writes. Plain values get a type by their kind (string, bool, uint32 / int32 / float32, arrays of those). */
export interface GgufWriteInput {
  readonly metadata: Readonly<Record<string, GgufValue | GgufTypedValue>>;
  readonly tensors: readonly GgufWriteTensor[];
}

function inferType(v: GgufValue): number {
  if (typeof v === 'string') return 8;
  if (typeof v === 'boolean') return 7;
  if (typeof v === 'bigint') return 10;
  if (Array.isArray(v)) return 9;
  if (Number.isInteger(v)) return v >= 0 && v <= 0xffffffff ? 4 : 11;
  return 6;
}

class ByteSink {
  chunks: Uint8Array[] = [];
  length = 0;
  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  num(type: number, v: GgufValue): void {
    const b = new Uint8Array([0, 0, 1, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8][type]);
    const d = new DataView(b.buffer);
    const n = typeof v === 'bigint' ? v : Number(v);
    switch (type) {
      case 0: d.setUint8(0, Number(n)); break;
      case 1: d.setInt8(0, Number(n)); break;
      case 2: d.setUint16(0, Number(n), true); break;
      case 3: d.setInt16(0, Number(n), true); break;
      case 4: d.setUint32(0, Number(n), true); break;
      case 5: d.setInt32(0, Number(n), true); break;
      case 6: d.setFloat32(0, Number(n), true); break;
      case 7: d.setUint8(0, v ? 1 : 0); break;
      case 10: d.setBigUint64(0, BigInt(n), true); break;
      case 11: d.setBigInt64(0, BigInt(n), true); break;
      case 12: d.setFloat64(0, Number(n), true); break;
      default: throw new RangeError(`writeGguf: value type ${type} is not a number type`);
    }
    this.push(b);
  }
  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.num(10, BigInt(b.length));
    this.push(b);
  }
  value(type: number, v: GgufValue, elementType?: number): void {
    if (type === 8) return this.string(String(v));
    if (type !== 9) return this.num(type, v);
    const items = v as GgufValue[];
    const et = elementType ?? (items.length ? inferType(items[0]) : 4);
    this.num(4, et);
    this.num(10, BigInt(items.length));
    for (const item of items) this.value(et, item);
  }
  bytes(b: Uint8Array): void {
    this.push(b);
  }
  pad(alignment: number): void {
    const n = (alignment - (this.length % alignment)) % alignment;
    if (n) this.push(new Uint8Array(n));
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/**
 * The bytes of a GGUF v3 file holding `metadata` and `tensors` (alignment from `general.alignment`, default 32).
 *
 * @example
 * ```ts
 * import { readGguf, writeGguf } from '@transformer-kit/tensor';
 * const data = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
 * const bytes = writeGguf({ metadata: { 'general.architecture': 'llama' }, tensors: [{ name: 'w', shape: [2, 2], type: 0, data }] });
 * console.log(readGguf(bytes).read('w')); // Float32Array [1, 2, 3, 4]
 * ```
 */
export function writeGguf(input: GgufWriteInput): Uint8Array {
  const sink = new ByteSink();
  sink.bytes(new TextEncoder().encode('GGUF'));
  sink.num(4, 3);
  const entries = Object.entries(input.metadata);
  sink.num(10, BigInt(input.tensors.length));
  sink.num(10, BigInt(entries.length));
  let alignment = 32;
  for (const [key, raw] of entries) {
    const typed = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as GgufTypedValue) : { type: inferType(raw as GgufValue), value: raw as GgufValue };
    const a = Number(typed.value);
    // NOTE: an invalid alignment is still written (tests write lying files) but the layout keeps 32.
    if (key === 'general.alignment' && typed.type === 4 && a > 0 && (a & (a - 1)) === 0) alignment = a;
    sink.string(key);
    sink.num(4, typed.type);
    sink.value(typed.type, typed.value, typed.elementType);
  }
  let offset = 0;
  for (const t of input.tensors) {
    sink.string(t.name);
    sink.num(4, t.shape.length);
    for (const d of t.shape.slice().reverse()) sink.num(10, BigInt(d));
    sink.num(4, t.type);
    sink.num(10, BigInt(offset));
    offset += Math.ceil(t.data.length / alignment) * alignment;
  }
  sink.pad(alignment);
  for (const t of input.tensors) {
    sink.bytes(t.data);
    sink.pad(alignment);
  }
  return sink.concat();
}
