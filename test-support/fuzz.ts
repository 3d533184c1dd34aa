// Test-only: the reusable half of the fuzz suite (issue #12). Every format's fuzz test (safetensors, llama2.c,
// config.json/index.json here; GGUF and tokenizer.json in their packages) mutates valid bytes with these
// arbitraries and asserts with `expectAcceptedOrNamedError` that each case is either accepted (with the same
// tensors, checked by the caller) or refused with a named error — never a TypeError/RangeError, a stack
// overflow, an engine message ("Cannot read properties of undefined"), a hang or a runaway allocation.
//
// Fixed seed, so CI is reproducible; FUZZ_RUNS=<n> runs more cases, FUZZ_SEED=<n> another seed. A failure prints
// fast-check's seed and path, which replays it. Never published.
//
// API (stable: other packages' fuzz tests import it by relative path):
//   FUZZ_SEED, fuzzRuns(defaultRuns), fuzzParameters(defaultRuns)
//   byteMutation(length, fields?), applyByteMutation(bytes, m), mutatedBytes(bytes, fields?)
//   jsonMutation(value), hostileJsonValue, duplicateKey(json), RawJson, stringifyJson
//   isEngineError(e), expectAcceptedOrNamedError(run, { named, accept?, maxMs?, maxMemoryBytes? })
import fc from 'fast-check';

const env = (name: string): string | undefined => (typeof process === 'undefined' ? undefined : process.env[name]);

/** The seed every fuzz test runs with (FUZZ_SEED overrides it). */
export const FUZZ_SEED = Number(env('FUZZ_SEED') ?? 20261201);

/** How many cases to run: FUZZ_RUNS when set, else the test's default (kept small so CI stays well under 2 min). */
export function fuzzRuns(defaultRuns: number): number {
  const runs = Number(env('FUZZ_RUNS'));
  return Number.isInteger(runs) && runs > 0 ? runs : defaultRuns;
}

/** fast-check parameters: the fixed seed and the run count. */
export function fuzzParameters(defaultRuns: number): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns: fuzzRuns(defaultRuns), endOnFailure: true };
}

/** A little-endian integer field of a binary header, so mutations can lie about it on purpose. */
export interface ByteField {
  readonly name: string;
  readonly offset: number;
  readonly size: 1 | 2 | 4 | 8;
}

/** One change to a byte buffer. */
export type ByteMutation =
  | { readonly kind: 'truncate'; readonly length: number }
  | { readonly kind: 'flip'; readonly at: number; readonly mask: number }
  | { readonly kind: 'field'; readonly field: ByteField; readonly value: bigint }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'remove'; readonly at: number; readonly count: number }
  | { readonly kind: 'append'; readonly bytes: Uint8Array };

/** Values a lying length or count field takes: edges, off-by-one from the truth, sign and width boundaries. */
function lieFor(field: ByteField, original: bigint): fc.Arbitrary<bigint> {
  const bits = BigInt(field.size * 8);
  const max = (1n << bits) - 1n;
  const wrap = (v: bigint) => ((v % (max + 1n)) + (max + 1n)) % (max + 1n);
  const edges = [0n, 1n, original - 1n, original + 1n, original - 8n, original + 8n, original * 2n, original / 2n, max, max >> 1n, (max >> 1n) + 1n, 1n << 31n, 1n << 32n, 1n << 53n].map(wrap);
  return fc.oneof(fc.constantFrom(...edges), fc.bigInt({ min: 0n, max }));
}

/** The value of a little-endian field. */
function readField(bytes: Uint8Array, field: ByteField): bigint {
  let v = 0n;
  for (let i = field.size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[field.offset + i] ?? 0);
  return v;
}

/**
 * Mutations of a buffer of `length` bytes: truncation at any offset, byte flips, inserted/removed/appended
 * bytes, and lies in the named header fields (`fields`, read from `original` to lie near the truth).
 */
export function byteMutation(original: Uint8Array, fields: readonly ByteField[] = []): fc.Arbitrary<ByteMutation> {
  const length = original.byteLength;
  const at = fc.integer({ min: 0, max: Math.max(0, length - 1) });
  const some = fc.uint8Array({ minLength: 1, maxLength: 16 });
  const options: fc.Arbitrary<ByteMutation>[] = [
    fc.integer({ min: 0, max: Math.max(0, length - 1) }).map((n) => ({ kind: 'truncate', length: n }) as const),
    fc.record({ at, mask: fc.integer({ min: 1, max: 255 }) }).map((r) => ({ kind: 'flip', ...r }) as const),
    fc.record({ at, bytes: some }).map((r) => ({ kind: 'insert', ...r }) as const),
    fc.record({ at, count: fc.integer({ min: 1, max: 16 }) }).map((r) => ({ kind: 'remove', ...r }) as const),
    some.map((bytes) => ({ kind: 'append', bytes }) as const),
  ];
  const usable = fields.filter((f) => f.offset + f.size <= length);
  if (usable.length > 0) {
    const lies = usable.map((field) => lieFor(field, readField(original, field)).map((value) => ({ kind: 'field', field, value }) as const));
    // Field lies get as much weight as all the blind mutations: they are what finds the interesting bugs.
    options.push(fc.oneof(...lies), fc.oneof(...lies));
  }
  return fc.oneof(...options);
}

/** A copy of `bytes` with `m` applied (the input is never modified). */
export function applyByteMutation(bytes: Uint8Array, m: ByteMutation): Uint8Array {
  switch (m.kind) {
    case 'truncate':
      return bytes.slice(0, m.length);
    case 'flip': {
      const out = bytes.slice();
      out[m.at] ^= m.mask;
      return out;
    }
    case 'field': {
      const out = bytes.slice();
      let v = m.value;
      for (let i = 0; i < m.field.size; i++, v >>= 8n) out[m.field.offset + i] = Number(v & 0xffn);
      return out;
    }
    case 'insert': {
      const out = new Uint8Array(bytes.byteLength + m.bytes.byteLength);
      out.set(bytes.subarray(0, m.at));
      out.set(m.bytes, m.at);
      out.set(bytes.subarray(m.at), m.at + m.bytes.byteLength);
      return out;
    }
    case 'remove': {
      const end = Math.min(bytes.byteLength, m.at + m.count);
      const out = new Uint8Array(bytes.byteLength - (end - m.at));
      out.set(bytes.subarray(0, m.at));
      out.set(bytes.subarray(end), m.at);
      return out;
    }
    case 'append': {
      const out = new Uint8Array(bytes.byteLength + m.bytes.byteLength);
      out.set(bytes);
      out.set(m.bytes, bytes.byteLength);
      return out;
    }
  }
}

/** Mutated copies of `bytes`, with the mutation (printed by fast-check on failure). */
export function mutatedBytes(bytes: Uint8Array, fields: readonly ByteField[] = []): fc.Arbitrary<{ mutation: ByteMutation; bytes: Uint8Array }> {
  return byteMutation(bytes, fields).map((mutation) => ({ mutation, bytes: applyByteMutation(bytes, mutation) }));
}

/** JSON values a hostile file puts where a number, string or object was expected. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, -0.5, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 53, '', '__proto__', 'constructor', 'NaN', [], {}, [null], { length: 1e9 }),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.integer({ min: 1, max: 20000 }).map((depth) => new RawJson(`${'['.repeat(depth)}0${']'.repeat(depth)}`)),
);

/**
 * JSON text spliced in as it is: `[[[...]]]` 20,000 deep (what overflows a recursive reader) cannot be built
 * as a value and stringified — JSON.stringify itself would overflow.
 */
export class RawJson {
  constructor(readonly text: string) {}
  toJSON(): string {
    return `\u0000raw:${rawTexts.push(this.text) - 1}\u0000`;
  }
}
const rawTexts: string[] = [];

/** JSON.stringify that writes RawJson values as their text. */
export function stringifyJson(value: unknown): string {
  const out = JSON.stringify(value) ?? 'null';
  return out.replace(/"\\u0000raw:(\d+)\\u0000"/g, (_, i: string) => rawTexts[Number(i)]);
}

/** Every path (list of keys) to a value inside `value`, the root included. */
function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (value && typeof value === 'object' && out.length < 2000) {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, Array.isArray(value) ? Number(k) : k], out);
  }
  return out;
}

const REMOVE = Symbol('remove');

function setAt(root: unknown, path: (string | number)[], replace: (old: unknown) => unknown | typeof REMOVE): unknown {
  if (path.length === 0) return replace(root);
  const copy = (Array.isArray(root) ? [...(root as unknown[])] : { ...(root as object) }) as Record<string | number, unknown>;
  const [head, ...rest] = path;
  const next = setAt(copy[head], rest, replace);
  if (next === REMOVE) {
    if (Array.isArray(copy)) (copy as unknown[]).splice(Number(head), 1);
    else delete copy[head];
  } else copy[head] = next;
  return copy;
}
/** A JSON mutation, described for fast-check's failure report. */
export interface JsonMutation {
  readonly text: string;
  readonly what: string;
}

/**
 * Mutations of a JSON document: a value replaced by a hostile one, a key removed, a key duplicated with
 * another value (the text has both; `JSON.parse` keeps the last), or the text truncated.
 */
export function jsonMutation(value: unknown): fc.Arbitrary<JsonMutation> {
  const text = JSON.stringify(value);
  const paths = pathsOf(value);
  const path = fc.constantFrom(...paths);
  return fc.oneof(
    fc.record({ path, v: hostileJsonValue }).map(({ path: p, v }) => ({ text: stringifyJson(setAt(value, p, () => v)), what: `${JSON.stringify(p)} = ${stringifyJson(v).slice(0, 40)}` })),
    path.filter((p) => p.length > 0).map((p) => ({ text: stringifyJson(setAt(value, p, () => REMOVE)), what: `remove ${JSON.stringify(p)}` })),
    hostileJsonValue.map((v) => ({ text: duplicateKey(text, v), what: `duplicate first key = ${stringifyJson(v).slice(0, 40)}` })),
    fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((n) => ({ text: text.slice(0, n), what: `truncate at ${n}` })),
  );
}

/** The JSON text with its first object's first key repeated, given `value` (duplicate keys: the last one wins in JSON.parse). */
export function duplicateKey(text: string, value: unknown): string {
  const m = /\{\s*("(?:[^"\\]|\\.)*")\s*:/.exec(text);
  if (!m) return text;
  const at = m.index + 1;
  return `${text.slice(0, at)}${m[1]}:${stringifyJson(value)},${text.slice(at)}`;
}

/** Messages that come from the JavaScript engine rather than from a loader's own checks. */
const ENGINE_MESSAGES = /Cannot read propert|Cannot set propert|is not a function|is not iterable|is not a constructor|Maximum call stack|Invalid array length|Invalid typed array length|Array buffer allocation failed|is not defined|Cannot convert|Invalid string length|out of memory|^undefined$/;

/** True for an error a user should never see: a TypeError/RangeError/ReferenceError/SyntaxError or an engine message. */
export function isEngineError(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || error instanceof SyntaxError) return true;
  return ENGINE_MESSAGES.test(error.message);
}

/** Bounds and expectations of one fuzz case. */
export interface FuzzCaseOptions<T> {
  /** What a named error's message must match (usually the file or origin name at its start). */
  readonly named: RegExp;
  /** Called with the result when the input is accepted: assert it has the same tensors as the original. */
  readonly accept?: (result: T) => void | Promise<void>;
  /** Time bound for one case (default 2000 ms). */
  readonly maxMs?: number;
  /** Growth of the heap + array buffers during one case (default 256 MiB): catches allocation from lying sizes. */
  readonly maxMemoryBytes?: number;
}

function memoryNow(): number {
  if (typeof process === 'undefined') return 0;
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Runs one fuzz case and asserts it was accepted (then `accept` checks the result) or refused with a named
 * error, within the time and memory bounds. Returns which, so a test can also require that some cases were
 * refused. Throws (failing the property) otherwise, with the offending error as `cause`.
 */
export async function expectAcceptedOrNamedError<T>(run: () => T | Promise<T>, options: FuzzCaseOptions<T>): Promise<'accepted' | 'refused'> {
  const maxMs = options.maxMs ?? 2000;
  const maxMemory = options.maxMemoryBytes ?? 256 * 2 ** 20;
  const memoryBefore = memoryNow();
  let peak = memoryBefore;
  const start = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    const value = await Promise.race([
      Promise.resolve().then(run),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new FuzzBoundError(`no answer within ${maxMs} ms`)), maxMs);
      }),
    ]);
    outcome = { ok: true, value };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    clearTimeout(timer);
    peak = Math.max(peak, memoryNow());
  }
  const elapsed = performance.now() - start;
  if (outcome.ok === false && outcome.error instanceof FuzzBoundError) throw outcome.error;
  if (elapsed > maxMs) throw new FuzzBoundError(`took ${elapsed.toFixed(0)} ms, over the bound of ${maxMs} ms`);
  if (peak - memoryBefore > maxMemory) throw new FuzzBoundError(`grew memory by ${((peak - memoryBefore) / 2 ** 20).toFixed(0)} MiB, over the bound of ${maxMemory / 2 ** 20} MiB`);
  if (outcome.ok) {
    await options.accept?.(outcome.value);
    return 'accepted';
  }
  const error = outcome.error;
  if (isEngineError(error)) {
    throw new Error(`an engine error instead of a named one: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
  }
  if (!options.named.test((error as Error).message)) {
    throw new Error(`an error that does not name its input (expected ${options.named}): ${(error as Error).message}`, { cause: error });
  }
  return 'refused';
}

/** A fuzz case went past its time or memory bound. */
export class FuzzBoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FuzzBoundError';
  }
}

export { fc };
