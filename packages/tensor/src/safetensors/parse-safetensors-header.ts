/**
 * The safetensors format's rules, as its specification and its Rust implementation (huggingface/safetensors,
 * `SafeTensors::read_metadata` and `Metadata::validate`) state them, all checked before any tensor is read:
 *
 * - 8 bytes: N, a little-endian u64, the header length; at most 100,000,000 (the Rust crate's MAX_HEADER_SIZE);
 * - N bytes: UTF-8 JSON starting with `{`: an object whose optional `__metadata__` maps strings to strings and
 *   whose other keys are tensors `{ dtype, shape, data_offsets: [begin, end] }`;
 * - dtype is a known name (looked up as an own property: `"__proto__"` is not a dtype); shape entries are
 *   non-negative integers; offsets are non-negative integers with begin ≤ end;
 * - end − begin = product(shape) × the dtype's size;
 * - sorted by offset, the tensors are contiguous from 0 (no gap, no overlap), and the last one ends exactly at
 *   the end of the file (no trailing bytes: a header length shortened by a few padding bytes shifts every
 *   tensor and is caught here).
 *
 * Every refusal names the field or tensor, the value and the rule.
 */
import type { DType } from '../dtype';
import { formatShape } from '../shape';
import { jsonKind, parseJsonBounded } from '../parse-json-bounded';
import type { SafetensorsEntry } from './read-safetensors';

/** The largest header the format allows (huggingface/safetensors' MAX_HEADER_SIZE). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** The safetensors dtypes this reader understands, with their byte widths. */
const DTYPE_BYTES: Readonly<Record<string, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** A validated safetensors header. */
export interface SafetensorsHeader {
  readonly metadata: Readonly<Record<string, string>>;
  /** Tensors in header order, with absolute byte offsets in the file. */
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  /** Absolute offset of the data section (8 + N). */
  readonly dataStart: number;
}

function fail(message: string): never {
  throw new Error(`safetensors: ${message}`);
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Parses and validates a safetensors header against the format's rules (see the file comment).
 *
 * @example
 * ```ts
 * import { parseSafetensorsHeader } from '@transformer-kit/tensor';
 * import { readFileSync } from 'node:fs';
 * const header = parseSafetensorsHeader(readFileSync('../shared/fixtures/models/gpt2-tiny/model.safetensors'));
 * console.log(header.entries.get('wte.weight')?.shape); // [ 97, 32 ]
 * ```
 */
export function parseSafetensorsHeader(bytes: ArrayBuffer | ArrayBufferView): SafetensorsHeader {
  const u8 = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (u8.byteLength < 8) fail(`file is truncated: ${u8.byteLength} bytes, the 8-byte header length is missing`);
  const n = new DataView(u8.buffer, u8.byteOffset, 8).getBigUint64(0, true);
  if (8n + n > BigInt(u8.byteLength)) fail(`file is truncated: the header says it is ${n} bytes but only ${u8.byteLength - 8} follow`);
  const headerLength = Number(n);
  if (headerLength > SAFETENSORS_MAX_HEADER_BYTES) fail(`header length ${headerLength} is over the format's limit of ${SAFETENSORS_MAX_HEADER_BYTES} bytes`);
  const dataStart = 8 + headerLength;
  const headerBytes = u8.subarray(8, dataStart);
  if (headerBytes[0] !== 0x7b) fail(`header is not a JSON object: it must start with '{', found ${headerBytes.length ? `byte 0x${headerBytes[0].toString(16).padStart(2, '0')}` : 'an empty header'} (is the header length ${headerLength} right?)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    // A real header nests 3 deep ({ name: { shape: [...] } }); 16 leaves room and bounds hostile nesting.
    header = parseJsonBounded(text, 'header', { maxDepth: 16 });
  } catch (error) {
    fail((error as Error).message); // 'header is not valid JSON (...)' or 'header: JSON nested deeper than ...'
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail(`header is not a JSON object (it is ${jsonKind(header)})`);
  const record = header as Record<string, unknown>;
  const metadata = parseMetadata(record.__metadata__);
  const dataLength = u8.byteLength - dataStart;
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, raw] of Object.entries(record)) {
    if (name === '__metadata__') continue;
    entries.set(name, parseEntry(name, raw, dataStart, dataLength));
  }
  checkLayout(entries, dataStart, dataLength);
  return { metadata, entries, dataStart };
}

function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(`__metadata__ must be an object of strings, found ${jsonKind(raw)}`);
  for (const [k, v] of Object.entries(raw)) if (typeof v !== 'string') fail(`__metadata__[${JSON.stringify(k)}] must be a string, found ${jsonKind(v)}`);
  return raw as Record<string, string>;
}

function parseEntry(name: string, raw: unknown, dataStart: number, dataLength: number): SafetensorsEntry {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(`entry '${name}' is not an object (it is ${jsonKind(raw)})`);
  const r = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof r.dtype !== 'string' || !hasOwn(DTYPE_BYTES, r.dtype)) {
    fail(`tensor '${name}' has unknown dtype ${JSON.stringify(r.dtype)} (supported: ${Object.keys(DTYPE_BYTES).join(', ')})`);
  }
  if (!Array.isArray(r.shape) || !r.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor '${name}' has an invalid shape ${JSON.stringify(r.shape)}: entries must be non-negative integers`);
  const offsets = r.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}: they must be two non-negative integers [begin, end]`);
  }
  const [begin, end] = offsets as number[];
  const shape = r.shape as number[];
  if (end < begin) fail(`tensor '${name}': data_offsets [${begin}, ${end}] end before they begin`);
  // NOTE: the product can pass 2^53 for a lying shape; compare in BigInt so the check itself cannot round.
  const expected = shape.reduce((a, d) => a * BigInt(d), 1n) * BigInt(DTYPE_BYTES[r.dtype]);
  if (BigInt(end - begin) !== expected) fail(`tensor '${name}': header says ${end - begin} bytes but ${r.dtype} ${formatShape(shape)} needs ${expected}`);
  if (end > dataLength) fail(`file is truncated: tensor '${name}' ends at byte ${end} of the data section, which has only ${dataLength} bytes`);
  const dtype: DType = r.dtype === 'BOOL' ? 'bool' : r.dtype.startsWith('F') || r.dtype === 'BF16' ? 'float32' : 'int32';
  return { fileDType: r.dtype, dtype, shape, begin: dataStart + begin, end: dataStart + end };
}

/** Sorted by offset, the tensors must tile the data section exactly: from 0, no gap, no overlap, no trailing bytes. */
function checkLayout(entries: ReadonlyMap<string, SafetensorsEntry>, dataStart: number, dataLength: number): void {
  const sorted = [...entries].sort(([, a], [, b]) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous: string | undefined;
  for (const [name, e] of sorted) {
    const begin = e.begin - dataStart;
    if (begin !== at) {
      const what = begin > at ? 'a gap' : 'an overlap';
      fail(`tensor '${name}': data_offsets begin at ${begin} but ${previous === undefined ? 'the data section starts at 0' : `tensor '${previous}' ends at ${at}`}: ${what} (tensors must be contiguous from 0, without gaps or overlaps)`);
    }
    at = e.end - dataStart;
    previous = name;
  }
  if (at !== dataLength) {
    fail(`the tensors end at byte ${at} of the data section but it has ${dataLength} bytes: ${dataLength - at} trailing bytes (the format allows none; is the header length right?)`);
  }
}
