// A fast path for reading a large tokenizer.json (Gemma 3's is 33 MB: 262k vocabulary entries, 515k merges).
// JSON.parse of that file alone takes longer than the whole load should (a 262k-key object and 515k two-string
// arrays that the loader only turns into a token list and id triples). This reads the file's UTF-8 bytes:
// `model.vocab` keys are copied into one compact byte arena and decoded to strings in a single TextDecoder call,
// and `model.merges` are resolved to [left, right, merged] ids by hashing the file's own bytes, without a string
// per merge. Every other part of the file goes through JSON.parse. Anything unexpected (not JSON, a
// non-integer id, an odd merge, bytes that are not UTF-8) returns undefined, and the caller falls back to
// JSON.parse, which then reports the problem by name.
import { TokenizerFormatError } from '../tokenizer-error';
import { KeyIndex, M, hashBytes } from './key-index';
import type { JsonObject } from './tokenizer-json-parts';

/**
 * A tokenizer.json read by {@link scanTokenizerJson}: the file without `model.vocab` / `model.merges` (left as
 * `{}` and `[]`), which come as the vocabulary's keys and ids in file order and as id triples instead.
 *
 * @example
 * ```ts
 * // an internal type (not exported by the package), imported here from its source file
 * import type { ScannedTokenizerJson } from './packages/tokenizer/src/loaders/scan-tokenizer-json';
 * const scanned: ScannedTokenizerJson = { root: { model: { type: 'BPE' } }, keys: ['a'], ids: Int32Array.of(0), merges: undefined };
 * console.log(scanned.keys[0], scanned.ids[0]); // a 0
 * ```
 */
export interface ScannedTokenizerJson {
  root: JsonObject;
  /** `model.vocab`'s keys, in file order (no key twice). */
  keys: string[];
  /** `model.vocab`'s ids, in the order of `keys`. */
  ids: Int32Array;
  /** `[left, right, merged]` ids per merge, in rank order; undefined when the model has no `merges`. */
  merges: Int32Array | undefined;
}

class Fallback extends Error {}

const utf8 = new TextDecoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * Reads a tokenizer.json (its UTF-8 bytes, or its text), or returns undefined when it does not have the shape
 * the fast path reads.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { scanTokenizerJson } from './packages/tokenizer/src/loaders/scan-tokenizer-json';
 * const s = scanTokenizerJson('{"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]}}');
 * console.log(s?.keys, s?.merges); // [ 'a', 'b', 'ab' ] Int32Array(3) [ 0, 1, 2 ]
 * ```
 */
export function scanTokenizerJson(json: string | Uint8Array): ScannedTokenizerJson | undefined {
  let bytes: Uint8Array;
  if (typeof json === 'string') {
    // NOTE: a lone surrogate has no UTF-8 form; JSON.parse keeps it, so such a text takes the JSON.parse path
    if ((json as { isWellFormed?: () => boolean }).isWellFormed?.() === false) return undefined;
    bytes = encoder.encode(json);
  } else {
    // NOTE: a plain Uint8Array view of a Buffer, so the hot loops see one kind of array
    bytes = json.constructor === Uint8Array ? json : new Uint8Array(json.buffer, json.byteOffset, json.byteLength);
  }
  try {
    return new Scanner(bytes).file();
  } catch (e) {
    if (e instanceof Fallback) return undefined;
    throw e;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

class Scanner {
  private pos = 0;
  private vocab: { keys: string[]; ids: Int32Array; index: KeyIndex } | undefined;
  private mergesStart = -1;
  private mergeIds: Int32Array | undefined;

  constructor(private readonly b: Uint8Array) {}

  file(): ScannedTokenizerJson {
    const root: JsonObject = {};
    this.objectEntries((key, start) => {
      if (key === 'model') root.model = this.model();
      else root[key] = this.parsed(start, this.skipValue());
    });
    this.ws();
    if (this.pos !== this.b.length || !this.vocab) throw new Fallback();
    const { keys, ids, index } = this.vocab;
    // merges written before the vocabulary are read once it is known
    if (this.mergesStart >= 0) {
      this.pos = this.mergesStart;
      this.mergeIds = this.merges(index, ids);
    }
    return { root, keys, ids, merges: this.mergeIds };
  }

  private model(): JsonObject {
    const model: JsonObject = {};
    if (this.b[this.pos] !== 0x7b) throw new Fallback();
    this.objectEntries((key, start) => {
      if (key === 'vocab' && this.b[start] === 0x7b) {
        this.vocab = this.readVocab();
        model.vocab = {};
      } else if (key === 'merges' && this.b[start] === 0x5b) {
        if (this.vocab) this.mergeIds = this.merges(this.vocab.index, this.vocab.ids);
        else {
          this.mergesStart = start;
          this.skipValue();
        }
        model.merges = [];
      } else {
        model[key] = this.parsed(start, this.skipValue());
      }
    });
    return model;
  }

  // calls `value(key, start)` for each key of the object at pos, with pos at the value; the callback moves pos past it
  private objectEntries(value: (key: string, start: number) => void): void {
    this.ws();
    if (this.b[this.pos] !== 0x7b) throw new Fallback();
    this.pos++;
    this.ws();
    if (this.b[this.pos] === 0x7d) {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      const start = this.pos;
      const end = this.stringEnd(start);
      const key = this.parsed(start, end) as string;
      this.pos = end;
      this.ws();
      if (this.b[this.pos] !== 0x3a) throw new Fallback();
      this.pos++;
      this.ws();
      value(key, this.pos);
      this.ws();
      const c = this.b[this.pos++];
      if (c === 0x7d) return;
      if (c !== 0x2c) throw new Fallback();
    }
  }

  private readVocab(): { keys: string[]; ids: Int32Array; index: KeyIndex } {
    const b = this.b;
    // every key's UTF-8 bytes, one after another, in an arena the size of the section; a table sized for one
    // entry per 24 bytes of it (a pretty-printed file's), which grows if there are more
    const sectionStart = this.pos;
    const sectionBytes = this.skipValue() - sectionStart;
    const index = new KeyIndex(new Uint8Array(sectionBytes), Math.ceil(sectionBytes / 24));
    const charStarts: number[] = [0];
    const idList: number[] = [];
    let chars = 0;
    let p = skipSpace(b, sectionStart + 1); // past '{'
    if (b[p] !== 0x7d) {
      for (;;) {
        p = skipSpace(b, p);
        if (b[p] !== QUOTE) throw new Fallback();
        const s = p + 1;
        p = this.stringBody(p);
        let units = this.units;
        const escaped = this.escaped;
        let k: number;
        if (escaped) {
          const key = encoder.encode(this.parsed(s - 1, p + 1) as string);
          units = utf16Length(key);
          k = index.add(hashBytes(key, 0, key.length), key, 0, key.length);
        } else {
          k = index.add(this.hash, b, s, p);
        }
        if (k < 0) {
          throw new TokenizerFormatError('tokenizer.json', `model.vocab has the key ${JSON.stringify(this.parsed(s - 1, p + 1))} twice`);
        }
        chars += units;
        p = skipSpace(b, p + 1);
        if (b[p] !== 0x3a) throw new Fallback();
        p = skipSpace(b, p + 1);
        let id = 0;
        const digits = p;
        let c = b[p];
        for (; c >= 0x30 && c <= 0x39; c = b[++p]) id = id * 10 + (c - 0x30);
        // not a plain integer, or past an Int32Array: let JSON.parse and the loader's checks name it
        if (p === digits || id > 0x7fffffff) throw new Fallback();
        charStarts.push(chars);
        idList.push(id);
        p = skipSpace(b, p);
        c = b[p++];
        if (c === 0x7d) break;
        if (c !== 0x2c) throw new Fallback();
      }
    } else {
      p++;
    }
    this.pos = p;
    // one decode for all keys; a fatal decoder, so that the counted UTF-16 offsets are exact
    let text: string;
    try {
      text = strictUtf8.decode(index.arena.subarray(0, index.used));
    } catch {
      throw new Fallback();
    }
    if (text.length !== chars) throw new Fallback();
    const keys = new Array<string>(idList.length);
    for (let k = 0; k < keys.length; k++) keys[k] = text.slice(charStarts[k], charStarts[k + 1]);
    return { keys, ids: Int32Array.from(idList), index };
  }

  // reads the merges array at pos, leaving pos past it
  private merges(index: KeyIndex, ids: Int32Array): Int32Array {
    const b = this.b;
    const n = b.length;
    let out = new Int32Array(3 * 1024);
    let count = 0;
    let p = skipSpace(b, this.pos + 1); // past '['
    if (b[p] === 0x5d) {
      this.pos = p + 1;
      return out.subarray(0, 0);
    }
    let lastMerged = -1;
    for (let rank = 0; ; rank++) {
      p = skipSpace(b, p);
      let src: Uint8Array = b;
      let a0: number, a1: number, b0: number, b1: number;
      let ha = 0;
      let hb = 0;
      let escaped = false;
      let c = 0;
      if (b[p] === QUOTE) {
        // "a b": one space, hashing each side as we go
        a0 = p + 1;
        a1 = -1;
        for (p = a0; p < n && (c = b[p]) !== QUOTE; p++) {
          if (c === BACKSLASH) {
            escaped = true;
            p++;
          } else if (c === 0x20) {
            if (a1 >= 0) throw new Fallback();
            a1 = p;
            continue;
          }
          if (a1 < 0) ha = (Math.imul(ha, M) + c) | 0;
          else hb = (Math.imul(hb, M) + c) | 0;
        }
        if (p >= n || a1 < 0) throw new Fallback();
        b0 = a1 + 1;
        b1 = p++;
        if (escaped) {
          src = encoder.encode(this.parsed(a0 - 1, p) as string);
          a0 = 0;
          a1 = src.indexOf(0x20);
          b0 = a1 + 1;
          b1 = src.length;
          if (a1 < 0 || src.indexOf(0x20, b0) >= 0) throw new Fallback();
        }
      } else if (b[p] === 0x5b) {
        // ["a", "b"]
        p = skipSpace(b, p + 1);
        if (b[p] !== QUOTE) throw new Fallback();
        a0 = p + 1;
        a1 = p = this.stringBody(p);
        ha = this.hash;
        escaped = this.escaped;
        p = skipSpace(b, p + 1);
        if (b[p] !== 0x2c) throw new Fallback();
        p = skipSpace(b, p + 1);
        if (b[p] !== QUOTE) throw new Fallback();
        b0 = p + 1;
        p = this.stringBody(p);
        hb = this.hash;
        escaped ||= this.escaped;
        b1 = p;
        p = skipSpace(b, p + 1);
        if (b[p++] !== 0x5d) throw new Fallback();
        if (escaped) {
          const left = encoder.encode(this.parsed(a0 - 1, a1 + 1) as string);
          const right = encoder.encode(this.parsed(b0 - 1, b1 + 1) as string);
          src = new Uint8Array(left.length + right.length);
          src.set(left);
          src.set(right, left.length);
          a0 = 0;
          a1 = b0 = left.length;
          b1 = src.length;
        }
      } else {
        throw new Fallback();
      }
      if (escaped) {
        ha = hashBytes(src, a0, a1);
        hb = hashBytes(src, b0, b1);
      }
      const left = index.find(ha, src, a0, a1);
      const right = left < 0 ? -1 : index.find(hb, src, b0, b1);
      let merged = right < 0 ? -1 : index.pairNear(left, right, lastMerged + 1);
      if (merged < 0 && right >= 0) {
        const slot = index.findPair(left, right);
        merged = slot < 0 ? -1 : index.key(slot);
      }
      if (merged < 0) {
        const [a, z] = [utf8.decode(src.subarray(a0, a1)), utf8.decode(src.subarray(b0, b1))];
        throw new TokenizerFormatError('tokenizer.json', `model.merges[${rank}] ('${a} ${z}') uses a token that is not in model.vocab`);
      }
      if (count + 3 > out.length) {
        const grown = new Int32Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      out[count++] = ids[index.key(left)];
      out[count++] = ids[index.key(right)];
      out[count++] = ids[merged];
      lastMerged = merged;
      p = skipSpace(b, p);
      c = b[p++];
      if (c === 0x5d) {
        this.pos = p;
        return out.slice(0, count);
      }
      if (c !== 0x2c) throw new Fallback();
    }
  }

  // filled by stringBody: the hash of the string's bytes as written, its UTF-16 length, whether it has escapes
  private hash = 0;
  private units = 0;
  private escaped = false;

  // one pass over the string whose opening quote is at `start`: returns the index of its closing quote
  private stringBody(start: number): number {
    const b = this.b;
    const n = b.length;
    let h = 0;
    let units = 0;
    let escaped = false;
    let c = 0;
    let p = start + 1;
    for (; p < n && (c = b[p]) !== QUOTE; p++) {
      if (c === BACKSLASH) {
        escaped = true;
        p++;
      }
      h = (Math.imul(h, M) + c) | 0;
      if ((c & 0xc0) !== 0x80) units += c >= 0xf0 ? 2 : 1;
    }
    if (p >= n) throw new Fallback();
    this.hash = h;
    this.units = units;
    this.escaped = escaped;
    return p;
  }

  private parsed(start: number, end: number): unknown {
    try {
      return JSON.parse(utf8.decode(this.b.subarray(start, end)));
    } catch {
      throw new Fallback();
    }
  }

  // index just past the closing quote of the string starting at `start`
  private stringEnd(start: number): number {
    const b = this.b;
    if (b[start] !== QUOTE) throw new Fallback();
    const n = b.length;
    for (let j = start + 1; j < n; j++) {
      const c = b[j];
      if (c === QUOTE) return j + 1;
      if (c === BACKSLASH) j++;
    }
    throw new Fallback();
  }

  // moves past one JSON value of any kind (checked later by JSON.parse) and returns its end
  private skipValue(): number {
    const b = this.b;
    const c = b[this.pos];
    if (c === QUOTE) return (this.pos = this.stringEnd(this.pos));
    if (c !== 0x7b && c !== 0x5b) {
      for (let d = b[this.pos]; this.pos < b.length && !(isSpace(d) || d === 0x2c || d === 0x7d || d === 0x5d); d = b[++this.pos]);
      return this.pos;
    }
    let depth = 0;
    while (this.pos < b.length) {
      const d = b[this.pos];
      if (d === QUOTE) {
        this.pos = this.stringEnd(this.pos);
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) depth--;
      this.pos++;
      if (depth === 0) return this.pos;
    }
    throw new Fallback();
  }

  private ws(): void {
    this.pos = skipSpace(this.b, this.pos);
  }
}

function skipSpace(b: Uint8Array, p: number): number {
  for (let c = b[p]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++p]);
  return p;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

// UTF-16 units of valid UTF-8: one per lead byte, two for a 4-byte sequence
function utf16Length(b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if ((c & 0xc0) !== 0x80) n += c >= 0xf0 ? 2 : 1;
  }
  return n;
}
