import type { DType, TensorData } from '../dtype';
import { getBackend } from '../engine';
import { tensor } from '../ops/creation';
import { formatShape, sizeOf } from '../shape';
import type { Tensor } from '../tensor';
import { bfloat16ToFloat32, float16ToFloat32 } from './float16';

/** The safetensors dtypes this reader understands, with their byte widths. */
const DTYPE_BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** One tensor's entry in a safetensors header. */
export interface SafetensorsEntry {
  /** The file's dtype name: 'F32', 'F16', 'BF16', 'I64', ... */
  readonly fileDType: string;
  /** The dtype it is read as: float types widen to float32, integer types to int32, BOOL to bool. */
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Byte range in the file (absolute). */
  readonly begin: number;
  readonly end: number;
}

/** A parsed safetensors file: its header, and its tensors read on demand. */
export interface SafetensorsFile {
  /** The header's `__metadata__` (string → string). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Tensor names in header order. */
  readonly names: readonly string[];
  /** Header entry of a tensor, or undefined. */
  entry(name: string): SafetensorsEntry | undefined;
  /** Host values of a tensor, widened (F16/BF16/F64 → Float32Array, I64/I16/I8/U8 → Int32Array, BOOL → Uint8Array). */
  read(name: string): TensorData;
  /** A tensor on the active backend. Throws naming the tensor (and listing what the file has) when missing. */
  tensor(name: string): Tensor;
}

function fail(message: string): never {
  throw new Error(`safetensors: ${message}`);
}

/**
 * Parses a safetensors file from its bytes (browser-friendly: an ArrayBuffer or a view of one).
 * Errors name what was wrong: a truncated file, invalid JSON, a header whose offsets lie, an unknown dtype.
 *
 * @example
 * ```ts
 * import { readSafetensors } from '@transformer-kit/tensor';
 * import { readFileSync } from 'node:fs';
 * const file = readSafetensors(readFileSync('../shared/fixtures/models/gpt2-tiny/model.safetensors'));
 * console.log(file.names.includes('wte.weight')); // true
 * const w = file.tensor('wte.weight'); // float32 even when stored as F16/BF16
 * console.log(w.dtype, w.rank); // 'float32' 2
 * ```
 */
export function readSafetensors(bytes: ArrayBuffer | ArrayBufferView): SafetensorsFile {
  const u8 = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (u8.byteLength < 8) fail(`file is truncated: ${u8.byteLength} bytes, the 8-byte header length is missing`);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > u8.byteLength) fail(`file is truncated: the header says it is ${headerLength} bytes but only ${u8.byteLength - 8} follow`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + headerLength)));
  } catch (error) {
    fail(`header is not valid JSON (${(error as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = u8.byteLength - dataStart;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    entries.set(name, parseEntry(name, raw, dataStart, dataLength));
  }
  const entry = (name: string) => entries.get(name);
  const read = (name: string): TensorData => {
    const e = entries.get(name);
    if (!e) fail(`no tensor '${name}' in this file (it has: ${[...entries.keys()].slice(0, 20).join(', ')}${entries.size > 20 ? ', ...' : ''})`);
    return decode(name, e, u8);
  };
  return {
    metadata,
    names: [...entries.keys()],
    entry,
    read,
    tensor: (name) => {
      const data = read(name);
      const e = entries.get(name)!;
      return tensor(data, e.shape, e.dtype, getBackend());
    },
  };
}

function parseEntry(name: string, raw: unknown, dataStart: number, dataLength: number): SafetensorsEntry {
  const r = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (!r || typeof r !== 'object') fail(`entry '${name}' is not an object`);
  if (typeof r.dtype !== 'string' || !(r.dtype in DTYPE_BYTES)) {
    fail(`tensor '${name}' has unknown dtype ${JSON.stringify(r.dtype)} (supported: ${Object.keys(DTYPE_BYTES).join(', ')})`);
  }
  if (!Array.isArray(r.shape) || !r.shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`tensor '${name}' has an invalid shape ${JSON.stringify(r.shape)}`);
  const offsets = r.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
    fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as number[];
  const shape = r.shape as number[];
  const expected = sizeOf(shape) * DTYPE_BYTES[r.dtype];
  if (end < begin) fail(`tensor '${name}': data_offsets [${begin}, ${end}] end before they begin`);
  if (end - begin !== expected) {
    fail(`tensor '${name}': header says ${end - begin} bytes but ${r.dtype} ${formatShape(shape)} needs ${expected}`);
  }
  if (end > dataLength) fail(`file is truncated: tensor '${name}' ends at byte ${end} of the data section, which has only ${dataLength} bytes`);
  const dtype: DType = r.dtype === 'BOOL' ? 'bool' : r.dtype.startsWith('F') || r.dtype === 'BF16' ? 'float32' : 'int32';
  return { fileDType: r.dtype, dtype, shape, begin: dataStart + begin, end: dataStart + end };
}

/** Copies (and widens) an entry's bytes into a fresh, aligned typed array. */
function decode(name: string, e: SafetensorsEntry, u8: Uint8Array): TensorData {
  const bytes = u8.slice(e.begin, e.end); // copy: aligned, and independent of the file buffer
  const n = sizeOf(e.shape);
  switch (e.fileDType) {
    case 'F32': return new Float32Array(bytes.buffer, 0, n);
    case 'F16': return float16ToFloat32(new Uint16Array(bytes.buffer, 0, n));
    case 'BF16': return bfloat16ToFloat32(new Uint16Array(bytes.buffer, 0, n));
    case 'F64': return Float32Array.from(new Float64Array(bytes.buffer, 0, n));
    case 'I32': return new Int32Array(bytes.buffer, 0, n);
    case 'I16': return Int32Array.from(new Int16Array(bytes.buffer, 0, n));
    case 'I8': return Int32Array.from(new Int8Array(bytes.buffer, 0, n));
    case 'U8': return Int32Array.from(bytes);
    case 'BOOL': return bytes;
    case 'I64': {
      const wide = new BigInt64Array(bytes.buffer, 0, n);
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = wide[i];
        if (v > 2147483647n || v < -2147483648n) fail(`tensor '${name}': I64 value ${v} (element ${i}) does not fit int32`);
        out[i] = Number(v);
      }
      return out;
    }
    default:
      return fail(`tensor '${name}' has unknown dtype ${e.fileDType}`);
  }
}
