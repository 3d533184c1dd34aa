/**
 * GGUF (llama.cpp's single-file format), versions 2 and 3, read from bytes and checked as llama.cpp's
 * gguf.cpp checks it before any tensor is built.
 *
 * Layout: magic "GGUF", u32 version, u64 tensor count, u64 metadata count, then the metadata key/value pairs,
 * the tensor infos (name, dims, ggml type, offset), padding to `general.alignment` (default 32), and the data.
 * ggml lists dimensions fastest-varying first, so a row-major shape is the dims reversed: `token_embd.weight`
 * with dims [64, 512] is a [512, 64] matrix.
 *
 * Rules (gguf.cpp's, each refusal names the file, the field or tensor, the value and the rule): no duplicate
 * metadata key or tensor name; `general.alignment`, when present, a uint32 power of two; a tensor has at most
 * 4 dims, a known ggml type, a row length that is a multiple of the type's block; tensors lie in the data
 * section in order, each at the running total of the previous ones' sizes padded to the alignment (so
 * offsets are aligned and no two overlap), and each one's bytes (= elements / block × block bytes) lie
 * inside the file.
 */
import { dequantizeGgml } from './dequantize-ggml';
import { GgufCursor } from './gguf-cursor';
import { ggmlType } from './ggml-type';

/** A GGUF metadata value: numbers (u64/i64 as number when safe, else bigint), strings, booleans and arrays of them. */
export type GgufValue = number | bigint | string | boolean | GgufValue[];

/** One tensor's header entry, with its shape already in row-major order. */
export interface GgufTensorInfo {
  readonly name: string;
  /** Row-major shape (ggml's dims reversed). */
  readonly shape: readonly number[];
  /** ggml's dims as stored (fastest-varying first). */
  readonly ggmlDims: readonly number[];
  /** ggml type id: 0 F32, 1 F16, 8 Q8_0, 12 Q4_K, 30 BF16, ... */
  readonly type: number;
  /** The type's name ('F32', 'F16', 'Q8_0', 'Q4_K', ...). */
  readonly typeName: string;
  /** Absolute byte offset of the tensor's data in the file. */
  readonly offset: number;
  /** Bytes the tensor occupies. */
  readonly byteLength: number;
}

/** A parsed GGUF file: its metadata and tensor infos, and the tensors read on demand. */
export interface GgufFile {
  readonly version: number;
  /** Metadata key → value, in file order. */
  readonly metadata: Readonly<Record<string, GgufValue>>;
  /** The ggml type of each metadata value (GGUF's value type ids: 4 uint32, 8 string, 9 array, ...). */
  readonly metadataTypes: Readonly<Record<string, number>>;
  readonly tensors: readonly GgufTensorInfo[];
  /** The info of a tensor, or undefined. */
  info(name: string): GgufTensorInfo | undefined;
  /** A tensor's values as float32, decoded exactly as ggml does. Throws naming a missing tensor or an unsupported type. */
  read(name: string): Float32Array;
  /** A tensor's bytes as stored (a view into the file, no copy): what a quantized weight keeps. */
  bytes(name: string): Uint8Array;
}

/** Options of `readGguf`. */
export interface ReadGgufOptions {
  /** The file's name, for error messages. */
  readonly name?: string;
}

const MAX_DIMS = 4;
const MAX_NAME = 64; // GGML_MAX_NAME, the terminating NUL included

function readValue(c: GgufCursor, type: number, key: string, depth = 0): GgufValue {
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
      const elementType = c.u32(`the element type of array '${key}'`);
      // NOTE: gguf.cpp refuses arrays of arrays; refusing them here also bounds the recursion.
      if (elementType === 9 || depth > 0) c.fail(`metadata '${key}' is an array of arrays (rule: array elements are scalars or strings)`);
      const n = c.count(`the length of array '${key}'`);
      const out: GgufValue[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readValue(c, elementType, key, depth + 1);
      return out;
    }
    case 10: return c.u64(key);
    case 11: return c.i64(key);
    case 12: return c.f64(key);
    default: return c.fail(`metadata '${key}' has unknown value type ${type} (rule: value types are 0..12)`);
  }
}

/**
 * Parses and validates a GGUF v2/v3 file. Tensors are decoded lazily by `read(name)` (float32) or handed out
 * as stored by `bytes(name)`.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { readGguf } from '@transformer-kit/tensor';
 * const gguf = readGguf(readFileSync('../shared/models/stories260K/stories260K.gguf'), { name: 'stories260K.gguf' });
 * console.log(gguf.metadata['general.architecture']); // llama
 * console.log(gguf.info('token_embd.weight')!.shape, gguf.read('token_embd.weight').length); // [ 512, 64 ] 32768: row-major [vocab, dim], as float32
 * ```
 */
export function readGguf(bytes: ArrayBuffer | ArrayBufferView, options: ReadGgufOptions = {}): GgufFile {
  const where = options.name ? `GGUF ${options.name}` : 'GGUF';
  const fail = (message: string): never => {
    throw new Error(`${where}: ${message}`);
  };
  const u8 = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const c = new GgufCursor(u8, fail);
  c.need(4, 'the magic number');
  const magic = String.fromCharCode(u8[0], u8[1], u8[2], u8[3]);
  if (magic !== 'GGUF') fail(`not a GGUF file (magic ${JSON.stringify(magic)}, expected "GGUF")`);
  c.offset = 4;
  const version = c.u32('the version');
  if (version === 1) fail('version 1 is not supported (it predates 64-bit counts); convert the file with a current llama.cpp');
  // NOTE: a big-endian GGUF stores its version byte-swapped (0x03000000): say so rather than misread everything.
  if ((version & 0xffff) === 0) fail(`version ${version} looks byte-swapped: big-endian GGUF files are not supported`);
  if (version !== 2 && version !== 3) fail(`version ${version} is not supported (only 2 and 3)`);
  // Each tensor info takes at least 8 (name length) + 4 (rank) + 4 (type) + 8 (offset) bytes, each key/value 8 + 4.
  const tensorCount = c.count('the tensor count', 24);
  const kvCount = c.count('the metadata count', 12);
  const metadata: Record<string, GgufValue> = {};
  const metadataTypes: Record<string, number> = {};
  for (let i = 0; i < kvCount; i++) {
    const key = c.string(`metadata key #${i}`);
    if (Object.prototype.hasOwnProperty.call(metadata, key)) fail(`metadata key '${key}' appears twice (#${i}) (rule: keys are unique)`);
    const type = c.u32(`the type of '${key}'`);
    metadataTypes[key] = type;
    metadata[key] = readValue(c, type, key);
  }
  const alignment = readAlignment(metadata, metadataTypes, fail);
  const raw: { name: string; dims: number[]; type: number; relative: number }[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const name = c.string(`tensor name #${i}`);
    if (new TextEncoder().encode(name).length >= MAX_NAME) fail(`tensor name #${i} '${name.slice(0, 80)}' is ${name.length} bytes (rule: names are shorter than ${MAX_NAME})`);
    if (seen.has(name)) fail(`tensor '${name}' appears twice (#${i}) (rule: tensor names are unique)`);
    seen.add(name);
    const nDims = c.u32(`the rank of '${name}'`);
    if (nDims > MAX_DIMS) fail(`tensor '${name}' has ${nDims} dimensions (rule: at most ${MAX_DIMS})`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) {
      const n = c.u64(`dimension ${d} of '${name}'`);
      if (typeof n === 'bigint' || n > u8.byteLength * 256) fail(`tensor '${name}' dimension ${d} is ${n}, more elements than the file could hold`);
      dims.push(n as number);
    }
    const type = c.u32(`the type of '${name}'`);
    const relative = c.u64(`the offset of '${name}'`);
    if (typeof relative === 'bigint') fail(`tensor '${name}' has offset ${relative}, past the end of the file`);
    raw.push({ name, dims, type, relative: relative as number });
  }
  const dataStart = Math.ceil(c.offset / alignment) * alignment;
  let expected = 0;
  const tensors: GgufTensorInfo[] = raw.map(({ name, dims, type, relative }) => {
    const info = ggmlType(type);
    if (!info) fail(`tensor '${name}' has ggml type ${type}, which ggml does not define (rule: a known ggml type)`);
    const { elements: blockElements, bytes: blockBytes } = info!;
    const rowLength = dims.length ? dims[0] : 1;
    if (rowLength % blockElements !== 0) {
      fail(`tensor '${name}' of type ${info!.name} has ${rowLength} elements per row (rule: a multiple of the block size ${blockElements})`);
    }
    const elements = dims.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(elements) || elements > u8.byteLength * 256) fail(`tensor '${name}' has ${elements} elements, more than the file could hold`);
    const byteLength = (elements / blockElements) * blockBytes;
    if (relative !== expected) {
      fail(`tensor '${name}' has data offset ${relative}, expected ${expected} (rule: tensors lie in order, each at the previous one's end padded to the alignment ${alignment}, so none overlaps or is misaligned)`);
    }
    expected += Math.ceil(byteLength / alignment) * alignment;
    const offset = dataStart + relative;
    if (offset + byteLength > u8.byteLength) {
      fail(`the file is truncated: tensor '${name}' (${info!.name} ${dims.slice().reverse().join('×')}, ${byteLength} bytes) ends at byte ${offset + byteLength} but the file has ${u8.byteLength}`);
    }
    return { name, shape: dims.slice().reverse(), ggmlDims: dims, type, typeName: info!.name, offset, byteLength };
  });
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const find = (name: string): GgufTensorInfo => {
    const t = byName.get(name);
    if (!t) fail(`no tensor '${name}' in this file (it has: ${tensors.slice(0, 12).map((x) => x.name).join(', ')}${tensors.length > 12 ? ', ...' : ''})`);
    return t!;
  };
  return {
    version,
    metadata,
    metadataTypes,
    tensors,
    info: (name) => byName.get(name),
    read(name) {
      const t = find(name);
      return dequantizeGgml(u8.subarray(t.offset, t.offset + t.byteLength), t.type, t.shape.reduce((a, b) => a * b, 1), `${where}: tensor '${name}'`);
    },
    bytes(name) {
      const t = find(name);
      return u8.subarray(t.offset, t.offset + t.byteLength);
    },
  };
}

/** `general.alignment`: absent → 32; else a uint32 power of two (gguf.cpp reads it with gguf_get_val_u32). */
function readAlignment(metadata: Record<string, GgufValue>, types: Record<string, number>, fail: (m: string) => never): number {
  if (!Object.prototype.hasOwnProperty.call(metadata, 'general.alignment')) return 32;
  const value = metadata['general.alignment'];
  if (types['general.alignment'] !== 4) {
    fail(`metadata 'general.alignment' is ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)} of GGUF type ${types['general.alignment']} (rule: a uint32 power of two)`);
  }
  const a = value as number;
  if (a === 0 || (a & (a - 1)) !== 0) fail(`metadata 'general.alignment' is ${a} (rule: a power of two, at least 1)`);
  return a;
}
