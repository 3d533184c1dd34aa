// `model.vocab` of a tokenizer.json read from its UTF-8 bytes: each key's bytes copied (escapes decoded) into one
// compact arena, its hash and UTF-16 length counted in the same pass, and its id parsed by hand; then all keys
// decoded in a single TextDecoder call (one text: a key's string is made from it only when asked for), and
// indexed by their bytes for the merges.
import { TokenizerFormatError } from '../tokenizer-error';
import { BACKSLASH, QUOTE, decodeString, decoded, skipSpace, stringEnd } from './json-bytes';
import { KeyIndex, M, MAX_KEYS, hashBytes } from './key-index';
import { MergesSpace, measureObject, unavailable } from './scan-merges-wasm';

/**
 * `model.vocab` read by {@link scanVocab}: its keys (numbered in file order) as one text and offsets, their ids,
 * and the keys indexed by their bytes.
 *
 * @example
 * ```ts
 * // an internal class (not exported by the package), imported here from its source file
 * import { scanVocab, type ScannedVocab } from './packages/tokenizer/src/loaders/scan-vocab';
 * const vocab: ScannedVocab | undefined = scanVocab(new TextEncoder().encode('{"a": 0, "é": 1}'), 0);
 * console.log(vocab?.count, vocab?.key(1), vocab?.keyNumber('é'), vocab?.keyNumber('b'), vocab?.end); // 2 é 1 -1 17
 * ```
 */
export class ScannedVocab {
  constructor(
    /** The keys one after another. */
    readonly text: string,
    /** Key k is text[charStarts[k], charStarts[k + 1]). */
    readonly charStarts: Int32Array,
    /** The id of key k. */
    readonly ids: Int32Array,
    readonly index: KeyIndex,
    readonly count: number,
    /** The index just past the closing brace. */
    readonly end: number,
  ) {}

  /** Where the merges can be read against this vocabulary by the WebAssembly reader (dropped once they are). */
  space: MergesSpace | undefined;

  /** Key k's string. */
  key(k: number): string {
    return this.text.slice(this.charStarts[k], this.charStarts[k + 1]);
  }

  /** Key k's UTF-16 unit at `index` (NaN past its end), without making its string. */
  unitAt(k: number, index: number): number {
    const at = this.charStarts[k] + index;
    return index >= 0 && at < this.charStarts[k + 1] ? this.text.charCodeAt(at) : NaN;
  }

  /** Key k's length in UTF-16 units. */
  units(k: number): number {
    return this.charStarts[k + 1] - this.charStarts[k];
  }

  /** The number of the key that is this string, or -1. */
  keyNumber(s: string): number {
    if ((s as { isWellFormed?: () => boolean }).isWellFormed?.() === false) return -1;
    const bytes = new TextEncoder().encode(s);
    return this.index.find(hashBytes(bytes, 0, bytes.length), bytes, 0, bytes.length);
  }

  /** Every key's string, in file order. */
  keys(): string[] {
    const keys = new Array<string>(this.count);
    for (let k = 0; k < this.count; k++) keys[k] = this.key(k);
    return keys;
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the `model.vocab` object whose `{` is at `start`, or returns undefined when it is not an object of
 * string → integer written the plain way (the caller then falls back to JSON.parse, which names the problem).
 * A key written twice is a TokenizerFormatError (JSON.parse would keep the last one silently). With `wasm` (and an
 * engine with WebAssembly), its arrays are in a {@link MergesSpace}, for reading the merges.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { scanVocab } from './packages/tokenizer/src/loaders/scan-vocab';
 * const v = scanVocab(new TextEncoder().encode('{"\\u00e9": 1, "😀": 0}'), 0);
 * console.log(v?.keys(), v?.ids); // [ 'é', '😀' ] Int32Array(2) [ 1, 0 ]
 * ```
 */
export function scanVocab(b: Uint8Array, start: number, wasm = true): ScannedVocab | undefined {
  // NOTE: every array sized once, from a first pass that counts the strings: growing them as the keys come
  // allocated twice the memory, and a load's large allocations are what start a full garbage collection of the
  // whole heap (V8 starts one past 64 MB of new ArrayBuffer memory; the file itself is 33 MB)
  // NOTE: measured by the WebAssembly module when there is one (it hands a string it can not finish back)
  const measured = wasm ? measureObject(b, start, (p, strings, bytes) => measure(b, start, p, strings, bytes)) : unavailable;
  const size = measured === unavailable ? measure(b, start) : measured;
  if (!size || size.strings > MAX_KEYS) return undefined;
  // NOTE: the arrays in the WebAssembly reader's memory when there is one: it reads the merges against them
  const space = wasm ? MergesSpace.open(size.strings, size.bytes) : undefined;
  const r = new VocabReader(b, size.strings, size.bytes, space);
  let p = skipSpace(b, start + 1);
  if (b[p] === 0x7d) p++;
  // the WebAssembly reader, which hands the entries it does not read itself to r
  else if (space) p = space.readVocab(b, p, r);
  // NOTE: a batch of keys per call, so that the hot code is a function called many times, which the engine
  // optimizes once and for all, rather than one long loop it compiles on the fly anew at every load; the first
  // call reads a few keys only, so that the whole function has run before it is compiled (see entries)
  else for (let batch = 8; !r.done && p >= 0; batch = 1024) p = r.entries(p, batch);
  if (p < 0) return undefined;
  const { arena, starts, hashes, ids, charStarts, count } = r;
  // one decode for all keys; a fatal decoder, so that the counted UTF-16 offsets are exact
  let text: string;
  try {
    text = strictUtf8.decode(arena.subarray(0, r.used));
  } catch {
    return undefined;
  }
  if (text.length !== r.chars) return undefined;
  // (an arena that had to grow is no longer the space's)
  const inSpace = space && arena === space.arena ? space : undefined;
  const index = inSpace ? inSpace.index(count) : new KeyIndex(arena, starts, hashes, count);
  const vocab = new ScannedVocab(text, charStarts, ids.subarray(0, count), index, count, p);
  vocab.space = inSpace;
  if (index.duplicate >= 0) throw new TokenizerFormatError('tokenizer.json', `model.vocab has the key ${JSON.stringify(vocab.key(index.duplicate))} twice`);
  return vocab;
}

// the number of strings in the object whose `{` is at `start` and their bytes as written (at least its keys and
// their decoded bytes: no escape decodes to more bytes than it is written with), or undefined when it nests or
// does not end
// (from p on, with `strings` and `bytes` counted before it: where the WebAssembly measure hands over)
function measure(b: Uint8Array, start: number, from = start + 1, strings = 0, bytes = 0): { strings: number; bytes: number } | undefined {
  const n = b.length;
  for (let p = from; p < n; p++) {
    const c = b[p];
    if (c === QUOTE) {
      const e = stringEnd(b, p);
      if (e < 0) return undefined;
      strings++;
      bytes += e - p - 2;
      p = e - 1;
    } else if (c === 0x7d) return { strings, bytes };
    else if (c === 0x7b || c === 0x5b) return undefined;
  }
  return undefined;
}

class VocabReader {
  arena: Uint8Array<ArrayBuffer>;
  // key k is arena[starts[k], starts[k + 1]), its text is text[charStarts[k], charStarts[k + 1])
  readonly starts: Int32Array<ArrayBuffer>;
  readonly charStarts: Int32Array<ArrayBuffer>;
  readonly hashes: Int32Array<ArrayBuffer>;
  readonly ids: Int32Array<ArrayBuffer>;
  count = 0;
  used = 0; // bytes in the arena
  chars = 0; // UTF-16 units of the keys so far
  done = false;

  // room for `keys` keys of `bytes` bytes in all (the space's arrays, or new ones)
  constructor(private readonly b: Uint8Array, keys: number, bytes: number, space: MergesSpace | undefined) {
    this.arena = space?.arena ?? new Uint8Array(bytes);
    this.starts = space?.starts ?? new Int32Array(keys + 1);
    this.charStarts = space?.charStarts ?? new Int32Array(keys + 1);
    this.hashes = space?.hashes ?? new Int32Array(keys);
    this.ids = space?.ids ?? new Int32Array(keys);
  }

  // reads up to `batch` (≤ 1024) entries from p (at a key); returns the index after them (past the `}` after the
  // last), or -1
  // NOTE: the state is written back to `this` in one place that every call reaches. The engine compiles the loop
  // while the first long call runs (on-stack replacement); a store that had never run by then has no feedback, and
  // reaching it threw the compiled code away at the end of every call (measured: ~50 deoptimizations per Gemma 3
  // load, each call then rerun in the interpreter); hence a short first call
  entries(p: number, batch: number): number {
    const b = this.b;
    let { arena, count, used: q, chars } = this;
    let done = false;
    const { starts, charStarts, hashes, ids } = this;
    for (let n = 0; n < batch; n++) {
      if (b[p] !== QUOTE) return -1;
      // one pass over the key: its end, hash and UTF-16 length, its bytes copied (the arena has room for every
      // string of the object as written: see measure)
      const s = p + 1;
      const q0 = q;
      let h = 0;
      let units = 0;
      let c = 0;
      for (p = s; (c = b[p]) !== QUOTE && c !== BACKSLASH && c >= 0x20; p++) {
        h = (Math.imul(h, M) + c) | 0;
        if ((c & 0xc0) !== 0x80) units += c >= 0xf0 ? 2 : 1;
        arena[q++] = c;
      }
      if (c !== QUOTE) {
        // an escape (or something JSON.parse refuses): decode the whole key into the arena instead
        q = q0;
        const raw = stringEnd(b, s - 1);
        if (raw < 0) return -1;
        arena = room(arena, q, raw - s);
        const e = decodeString(b, s - 1, arena, q);
        if (e < 0) return -1;
        h = hashBytes(arena, q, e);
        units = utf16Length(arena, q, e);
        q = e;
        p = decoded.end;
      }
      chars += units;
      hashes[count] = h;
      p = skipSpace(b, p + 1);
      if (b[p] !== 0x3a) return -1;
      p = skipSpace(b, p + 1);
      // the id: a plain non-negative integer (anything else, and ids past an Int32Array, go to JSON.parse and
      // the loader's checks, which name them)
      let id = 0;
      const digits = p;
      for (c = b[p]; c >= 0x30 && c <= 0x39; c = b[++p]) id = id * 10 + (c - 0x30);
      if (p === digits || id > 0x7fffffff || (b[digits] === 0x30 && p - digits > 1)) return -1;
      ids[count] = id;
      count++;
      starts[count] = q;
      charStarts[count] = chars;
      p = skipSpace(b, p);
      c = b[p++];
      if (c === 0x7d) {
        done = true;
        break;
      }
      if (c !== 0x2c) return -1;
      p = skipSpace(b, p);
    }
    this.arena = arena;
    this.done = done;
    this.count = count;
    this.used = q;
    this.chars = chars;
    return p;
  }
}

// an arena with room for `need` more bytes after the first `used`
function room(arena: Uint8Array<ArrayBuffer>, used: number, need: number): Uint8Array<ArrayBuffer> {
  if (used + need <= arena.length) return arena;
  const grown = new Uint8Array(Math.max(arena.length * 2, used + need));
  grown.set(arena.subarray(0, used));
  return grown;
}

// UTF-16 units of valid UTF-8: one per lead byte, two for a 4-byte sequence
function utf16Length(b: Uint8Array, s: number, e: number): number {
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if ((c & 0xc0) !== 0x80) n += c >= 0xf0 ? 2 : 1;
  }
  return n;
}
