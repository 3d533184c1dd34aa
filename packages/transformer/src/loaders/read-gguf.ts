/**
 * GGUF (llama.cpp's single-file format), versions 2 and 3, read from bytes.
 *
 * Layout: magic "GGUF", u32 version, u64 tensor count, u64 metadata count, then the metadata key/value pairs,
 * the tensor infos (name, dims, ggml type, offset), padding to `general.alignment` (default 32), and the data.
 * ggml lists dimensions fastest-varying first, so a row-major shape is the dims reversed: `token_embd.weight`
 * with dims [64, 512] is a [512, 64] matrix.
 */
import { toFloat32 } from './gguf-dequantize';

/** A GGUF metadata value: numbers (u64/i64 as number when safe, else bigint), strings, booleans and arrays of them. */
export type GgufValue = number | bigint | string | boolean | GgufValue[];

/** One tensor's header entry, with its shape already in row-major order. */
export interface GgufTensorInfo {
  readonly name: string;
  /** Row-major shape (ggml's dims reversed). */
  readonly shape: readonly number[];
  /** ggml's dims as stored (fastest-varying first). */
  readonly ggmlDims: readonly number[];
  /** ggml type id: 0 F32, 1 F16, 8 Q8_0, 30 BF16, ... */
  readonly type: number;
  /** The type's name ('F32', 'F16', 'Q8_0', ...). */
  readonly typeName: string;
  /** Absolute byte offset of the tensor's data in the file. */
  readonly offset: number;
  /** Bytes the tensor occupies. */
  readonly byteLength: number;
}

/** A parsed GGUF file: its metadata and tensor infos, and the tensors read on demand as float32. */
export interface GgufFile {
  readonly version: number;
  /** Metadata key → value, in file order. */
  readonly metadata: Readonly<Record<string, GgufValue>>;
  readonly tensors: readonly GgufTensorInfo[];
  /** The info of a tensor, or undefined. */
  info(name: string): GgufTensorInfo | undefined;
  /** A tensor's values as float32 (F32 copied; F16, BF16 and Q8_0 dequantised). Throws naming a missing tensor. */
  read(name: string): Float32Array;
}

const TYPE_NAMES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 6: 'Q5_0', 7: 'Q5_1', 8: 'Q8_0', 9: 'Q8_1', 10: 'Q2_K', 11: 'Q3_K',
  12: 'Q4_K', 13: 'Q5_K', 14: 'Q6_K', 15: 'Q8_K', 24: 'I8', 25: 'I16', 26: 'I32', 27: 'I64', 28: 'F64', 30: 'BF16',
};

/** Bytes per block and elements per block of the types this reader can decode. */
const BLOCKS: Record<number, { bytes: number; elements: number }> = {
  0: { bytes: 4, elements: 1 },
  1: { bytes: 2, elements: 1 },
  8: { bytes: 34, elements: 32 },
  30: { bytes: 2, elements: 1 },
};

function fail(message: string): never {
  throw new Error(`GGUF: ${message}`);
}

/** A bounds-checked little-endian cursor: every read past the end is a "truncated" error, never garbage. */
class Cursor {
  offset = 0;
  private readonly view: DataView;
  private readonly decoder = new TextDecoder('utf-8');
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number, what: string): void {
    if (this.offset + n > this.bytes.byteLength) fail(`file is truncated while reading ${what} at byte ${this.offset} (${this.bytes.byteLength} bytes in all)`);
  }
  u8(what: string): number { this.need(1, what); return this.view.getUint8(this.offset++); }
  i8(what: string): number { this.need(1, what); return this.view.getInt8(this.offset++); }
  u16(what: string): number { this.need(2, what); const v = this.view.getUint16(this.offset, true); this.offset += 2; return v; }
  i16(what: string): number { this.need(2, what); const v = this.view.getInt16(this.offset, true); this.offset += 2; return v; }
  u32(what: string): number { this.need(4, what); const v = this.view.getUint32(this.offset, true); this.offset += 4; return v; }
  i32(what: string): number { this.need(4, what); const v = this.view.getInt32(this.offset, true); this.offset += 4; return v; }
  f32(what: string): number { this.need(4, what); const v = this.view.getFloat32(this.offset, true); this.offset += 4; return v; }
  f64(what: string): number { this.need(8, what); const v = this.view.getFloat64(this.offset, true); this.offset += 8; return v; }
  u64(what: string): number | bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  i64(what: string): number | bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.offset, true);
    this.offset += 8;
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
  }
  count(what: string): number {
    const n = this.u64(what);
    if (typeof n === 'bigint' || n > this.bytes.byteLength) fail(`${what} is ${n}, more than the file could hold: the file is corrupt`);
    return n;
  }
  string(what: string): string {
    const n = this.count(`the length of ${what}`);
    this.need(n, what);
    const s = this.decoder.decode(this.bytes.subarray(this.offset, this.offset + n));
    this.offset += n;
    return s;
  }
}

function readValue(c: Cursor, type: number, key: string): GgufValue {
  switch (type) {
    case 0: return c.u8(key);
    case 1: return c.i8(key);
    case 2: return c.u16(key);
    case 3: return c.i16(key);
    case 4: return c.u32(key);
    case 5: return c.i32(key);
    case 6: return c.f32(key);
    case 7: return c.u8(key) !== 0;
    case 8: return c.string(key);
    case 9: {
      const elementType = c.u32(key);
      const n = c.count(`the length of array ${key}`);
      const out: GgufValue[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readValue(c, elementType, key);
      return out;
    }
    case 10: return c.u64(key);
    case 11: return c.i64(key);
    case 12: return c.f64(key);
    default: return fail(`metadata '${key}' has unknown value type ${type}`);
  }
}

/**
 * Parses a GGUF v2/v3 file. Tensors are decoded lazily by `read(name)`.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { readGguf } from '@transformer-kit/transformer';
 * const gguf = readGguf(readFileSync('../shared/models/stories260K/stories260K.gguf'));
 * console.log(gguf.metadata['general.architecture']); // llama
 * console.log(gguf.info('token_embd.weight')!.shape, gguf.read('token_embd.weight').length); // [ 512, 64 ] 32768: row-major [vocab, dim], as float32
 * ```
 */
export function readGguf(bytes: ArrayBuffer | ArrayBufferView): GgufFile {
  const u8 = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const c = new Cursor(u8);
  c.need(4, 'the magic number');
  const magic = String.fromCharCode(u8[0], u8[1], u8[2], u8[3]);
  if (magic !== 'GGUF') fail(`not a GGUF file (magic ${JSON.stringify(magic)}, expected "GGUF")`);
  c.offset = 4;
  const version = c.u32('the version');
  if (version === 1) fail('version 1 is not supported (it predates 64-bit counts); convert the file with a current llama.cpp');
  // NOTE: a big-endian GGUF stores its version byte-swapped (0x03000000): say so rather than misread everything.
  if (version > 0xffff) fail(`version ${version} looks byte-swapped: big-endian GGUF files are not supported`);
  if (version !== 2 && version !== 3) fail(`version ${version} is not supported (only 2 and 3)`);
  const tensorCount = c.count('the tensor count');
  const kvCount = c.count('the metadata count');
  const metadata: Record<string, GgufValue> = {};
  for (let i = 0; i < kvCount; i++) {
    const key = c.string(`metadata key #${i}`);
    const type = c.u32(`the type of '${key}'`);
    metadata[key] = readValue(c, type, key);
  }
  const raw: { name: string; dims: number[]; type: number; relative: number }[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = c.string(`tensor name #${i}`);
    const nDims = c.u32(`the rank of '${name}'`);
    if (nDims > 8) fail(`tensor '${name}' has ${nDims} dimensions: the file is corrupt`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(c.count(`a dimension of '${name}'`));
    const type = c.u32(`the type of '${name}'`);
    const relative = c.count(`the offset of '${name}'`);
    raw.push({ name, dims, type, relative });
  }
  const alignment = typeof metadata['general.alignment'] === 'number' ? (metadata['general.alignment'] as number) : 32;
  const dataStart = Math.ceil(c.offset / alignment) * alignment;
  const tensors: GgufTensorInfo[] = raw.map(({ name, dims, type, relative }) => {
    const elements = dims.reduce((a, b) => a * b, 1);
    const block = BLOCKS[type];
    const byteLength = block ? (elements / block.elements) * block.bytes : 0;
    const offset = dataStart + relative;
    if (block && offset + byteLength > u8.byteLength) {
      fail(`file is truncated: tensor '${name}' ends at byte ${offset + byteLength} but the file has ${u8.byteLength}`);
    }
    return { name, shape: dims.slice().reverse(), ggmlDims: dims, type, typeName: TYPE_NAMES[type] ?? `type ${type}`, offset, byteLength };
  });
  const byName = new Map(tensors.map((t) => [t.name, t]));
  return {
    version,
    metadata,
    tensors,
    info: (name) => byName.get(name),
    read(name) {
      const t = byName.get(name);
      if (!t) fail(`no tensor '${name}' in this file (it has: ${tensors.slice(0, 12).map((x) => x.name).join(', ')}${tensors.length > 12 ? ', ...' : ''})`);
      if (!BLOCKS[t.type]) {
        fail(`tensor '${name}' is ${t.typeName}; supported types are F32, F16, BF16 and Q8_0`);
      }
      return toFloat32(u8, t.offset, t.type, t.shape.reduce((a, b) => a * b, 1));
    },
  };
}
