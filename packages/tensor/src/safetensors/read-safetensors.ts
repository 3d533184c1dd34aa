import type { DType, TensorData } from '../dtype';
import { getBackend } from '../engine';
import { tensor } from '../ops/creation';
import { sizeOf } from '../shape';
import type { Tensor } from '../tensor';
import { bfloat16ToFloat32, float16ToFloat32 } from './float16';
import { parseSafetensorsHeader } from './parse-safetensors-header';


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
 * Parses a safetensors file from its bytes (browser-friendly: an ArrayBuffer or a view of one), after checking
 * every rule of the format (`parseSafetensorsHeader`). Errors name what was wrong: a truncated file, invalid
 * JSON, a header whose offsets lie, overlap or leave gaps, trailing bytes, an unknown dtype.
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
  // Every rule of the format is checked here, before any tensor is read (see parse-safetensors-header.ts).
  const { metadata, entries } = parseSafetensorsHeader(u8);
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
