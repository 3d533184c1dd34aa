// A fast path for reading a large tokenizer.json (Gemma 3's is 33 MB: 262k vocabulary entries, 515k merges).
// JSON.parse would build a 262k-key object and 515k two-string arrays only for the loader to turn them into a
// Map and id triples; this reads `model.vocab` straight into a Map and resolves `model.merges` to
// [left, right, merged] ids by hashing the file's own characters, without making a string per merge. Every
// other part of the file goes through JSON.parse. Anything unexpected (not JSON, a non-integer id, an odd
// merge) returns undefined, and the caller falls back to JSON.parse, which then reports the problem by name.
import { TokenizerFormatError } from '../tokenizer-error';
import type { JsonObject } from './tokenizer-json-parts';

/**
 * A tokenizer.json read by {@link scanTokenizerJson}: the file without `model.vocab` / `model.merges`, which
 * come as a Map and as id triples instead.
 *
 * @example
 * ```ts
 * // an internal type (not exported by the package), imported here from its source file
 * import type { ScannedTokenizerJson } from './packages/tokenizer/src/loaders/scan-tokenizer-json';
 * const scanned: ScannedTokenizerJson = { root: { model: { type: 'BPE' } }, vocab: new Map([['a', 0]]), merges: undefined };
 * console.log(scanned.vocab.get('a')); // 0
 * ```
 */
export interface ScannedTokenizerJson {
  root: JsonObject;
  vocab: Map<string, number>;
  /** `[left, right, merged]` ids per merge, in rank order; undefined when the model has no `merges`. */
  merges: Int32Array | undefined;
}

class Fallback extends Error {}

/**
 * Reads a tokenizer.json text, or returns undefined when it does not have the shape the fast path reads.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { scanTokenizerJson } from './packages/tokenizer/src/loaders/scan-tokenizer-json';
 * const s = scanTokenizerJson('{"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]}}');
 * console.log(s?.vocab.get('ab'), s?.merges); // 2 Int32Array(3) [ 0, 1, 2 ]
 * ```
 */
export function scanTokenizerJson(text: string): ScannedTokenizerJson | undefined {
  try {
    return new Scanner(text).file();
  } catch (e) {
    if (e instanceof Fallback) return undefined;
    throw e;
  }
}

class Scanner {
  private pos = 0;
  private vocab: Map<string, number> | undefined;
  // where each vocabulary key without escapes sits in the text, for the merges' span lookups: [start, end, id]*
  private spans: number[] = [];
  private mergesSpan: [number, number] | undefined;

  constructor(private readonly text: string) {}

  file(): ScannedTokenizerJson {
    const root: JsonObject = {};
    this.objectEntries((key, start) => {
      if (key === 'model') root.model = this.model();
      else root[key] = this.parsed(start, this.skipValue());
    });
    this.ws();
    if (this.pos !== this.text.length) throw new Fallback();
    if (!this.vocab) throw new Fallback();
    const merges = this.mergesSpan ? this.merges(this.vocab, this.mergesSpan[0]) : undefined;
    return { root, vocab: this.vocab, merges };
  }

  private model(): JsonObject {
    const model: JsonObject = {};
    if (this.text.charCodeAt(this.pos) !== 0x7b) throw new Fallback();
    this.objectEntries((key, start) => {
      if (key === 'vocab' && this.text.charCodeAt(start) === 0x7b) {
        this.vocab = this.readVocab();
        model.vocab = {};
      } else if (key === 'merges' && this.text.charCodeAt(start) === 0x5b) {
        this.mergesSpan = [start, this.skipValue()];
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
    if (this.text.charCodeAt(this.pos) !== 0x7b) throw new Fallback();
    this.pos++;
    this.ws();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      const key = this.string();
      this.ws();
      if (this.text.charCodeAt(this.pos) !== 0x3a) throw new Fallback();
      this.pos++;
      this.ws();
      value(key, this.pos);
      this.ws();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x7d) return;
      if (c !== 0x2c) throw new Fallback();
    }
  }

  private readVocab(): Map<string, number> {
    const vocab = new Map<string, number>();
    const text = this.text;
    this.pos++; // '{'
    this.ws();
    if (text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return vocab;
    }
    for (;;) {
      this.ws();
      const keyStart = this.pos + 1;
      const key = this.string();
      const keyEnd = this.pos - 1;
      this.ws();
      if (text.charCodeAt(this.pos) !== 0x3a) throw new Fallback();
      this.pos++;
      this.ws();
      let id = 0;
      const digits = this.pos;
      for (let c = text.charCodeAt(this.pos); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++this.pos)) id = id * 10 + (c - 0x30);
      if (this.pos === digits || this.pos - digits > 10) throw new Fallback(); // not a plain integer: let JSON.parse name it
      if (vocab.has(key)) throw new TokenizerFormatError('tokenizer.json', `model.vocab has the key ${JSON.stringify(key)} twice`);
      vocab.set(key, id);
      if (keyEnd - keyStart === key.length) this.spans.push(keyStart, keyEnd, id);
      this.ws();
      const c = text.charCodeAt(this.pos++);
      if (c === 0x7d) return vocab;
      if (c !== 0x2c) throw new Fallback();
    }
  }

  private merges(vocab: Map<string, number>, start: number): Int32Array {
    const text = this.text;
    const index = new TokenIndex(text, this.spans);
    let out = new Int32Array(3 * 1024);
    let n = 0;
    this.pos = start + 1; // '['
    this.ws();
    if (text.charCodeAt(this.pos) === 0x5d) return out.subarray(0, 0);
    for (let rank = 0; ; rank++) {
      this.ws();
      let a0: number, a1: number, b0: number, b1: number;
      let slow: [string, string] | undefined;
      if (text.charCodeAt(this.pos) === 0x22) {
        // "a b"
        const s = this.pos + 1;
        const e = this.stringEnd(this.pos) - 1;
        const space = text.indexOf(' ', s);
        const another = space < 0 ? -1 : text.indexOf(' ', space + 1);
        if (space < 0 || space >= e || (another >= 0 && another < e)) throw new Fallback();
        if (hasBackslash(text, s, e)) {
          const parts = (JSON.parse(text.slice(s - 1, e + 1)) as string).split(' ');
          slow = [parts[0], parts[1]];
        }
        [a0, a1, b0, b1] = [s, space, space + 1, e];
        this.pos = e + 1;
      } else if (text.charCodeAt(this.pos) === 0x5b) {
        // ["a", "b"]
        this.pos++;
        this.ws();
        a0 = this.pos + 1;
        a1 = this.stringEnd(this.pos) - 1;
        this.pos = a1 + 1;
        this.ws();
        if (text.charCodeAt(this.pos++) !== 0x2c) throw new Fallback();
        this.ws();
        b0 = this.pos + 1;
        b1 = this.stringEnd(this.pos) - 1;
        this.pos = b1 + 1;
        this.ws();
        if (text.charCodeAt(this.pos++) !== 0x5d) throw new Fallback();
        if (hasBackslash(text, a0, a1) || hasBackslash(text, b0, b1)) {
          slow = [JSON.parse(text.slice(a0 - 1, a1 + 1)) as string, JSON.parse(text.slice(b0 - 1, b1 + 1)) as string];
        }
      } else {
        throw new Fallback();
      }
      let left = -1;
      let right = -1;
      let merged = -1;
      if (!slow) {
        left = index.find(a0, a1, a1, a1);
        right = index.find(b0, b1, b1, b1);
        merged = index.find(a0, a1, b0, b1);
        // NOTE: a key the file wrote with needless escapes is not in the span index: look it up as a string
        if (left < 0 || right < 0 || merged < 0) slow = [text.slice(a0, a1), text.slice(b0, b1)];
      }
      if (slow) {
        left = vocab.get(slow[0]) ?? -1;
        right = vocab.get(slow[1]) ?? -1;
        merged = vocab.get(slow[0] + slow[1]) ?? -1;
      }
      if (left < 0 || right < 0 || merged < 0) {
        const [a, b] = slow ?? [text.slice(a0, a1), text.slice(b0, b1)];
        throw new TokenizerFormatError('tokenizer.json', `model.merges[${rank}] ('${a} ${b}') uses a token that is not in model.vocab`);
      }
      if (n + 3 > out.length) {
        const grown = new Int32Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      out[n++] = left;
      out[n++] = right;
      out[n++] = merged;
      this.ws();
      const c = text.charCodeAt(this.pos++);
      if (c === 0x5d) return out.slice(0, n);
      if (c !== 0x2c) throw new Fallback();
    }
  }

  private parsed(start: number, end: number): unknown {
    try {
      return JSON.parse(this.text.slice(start, end));
    } catch {
      throw new Fallback();
    }
  }

  private string(): string {
    const start = this.pos;
    const end = this.stringEnd(start);
    this.pos = end;
    const raw = this.text.slice(start + 1, end - 1);
    return raw.includes('\\') ? (this.parsed(start, end) as string) : raw;
  }

  // index just past the closing quote of the string starting at `start`
  private stringEnd(start: number): number {
    const text = this.text;
    if (text.charCodeAt(start) !== 0x22) throw new Fallback();
    let j = start;
    for (;;) {
      j = text.indexOf('"', j + 1);
      if (j < 0) throw new Fallback();
      let slashes = 0;
      while (text.charCodeAt(j - 1 - slashes) === 0x5c) slashes++;
      if (slashes % 2 === 0) return j + 1;
    }
  }

  // moves past one JSON value of any kind (checked later by JSON.parse) and returns its end
  private skipValue(): number {
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if (c === 0x22) return (this.pos = this.stringEnd(this.pos));
    if (c !== 0x7b && c !== 0x5b) {
      while (this.pos < text.length && !/[\s,}\]]/.test(text[this.pos])) this.pos++;
      return this.pos;
    }
    let depth = 0;
    while (this.pos < text.length) {
      const d = text.charCodeAt(this.pos);
      if (d === 0x22) {
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
    const text = this.text;
    for (let c = text.charCodeAt(this.pos); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++this.pos));
  }
}

// NOTE: not lastIndexOf, which would search back through the whole file when there is none
function hasBackslash(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === 0x5c) return true;
  return false;
}

/**
 * Open-addressing index of the vocabulary keys by their spans in the file text, looked up by a span (or two
 * spans read as one string) of the same text: every comparison is between characters of one string.
 */
class TokenIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(
    private readonly text: string,
    private readonly spans: number[],
  ) {
    const count = spans.length / 3;
    let capacity = 16;
    while (capacity < count * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity).fill(-1);
    for (let e = 0; e < count; e++) {
      let h = 0x811c9dc5;
      for (let i = spans[3 * e]; i < spans[3 * e + 1]; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
      let slot = (h >>> 0) & this.mask;
      while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot] = e;
    }
  }

  /** The id of text[a0, a1) + text[b0, b1), or -1. */
  find(a0: number, a1: number, b0: number, b1: number): number {
    const { text, spans } = this;
    let h = 0x811c9dc5;
    for (let i = a0; i < a1; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    for (let i = b0; i < b1; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    const length = a1 - a0 + (b1 - b0);
    for (let slot = (h >>> 0) & this.mask; ; slot = (slot + 1) & this.mask) {
      const e = this.slots[slot];
      if (e === -1) return -1;
      let k = spans[3 * e];
      if (spans[3 * e + 1] - k !== length) continue;
      let i = a0;
      for (; i < a1 && text.charCodeAt(k) === text.charCodeAt(i); i++) k++;
      if (i < a1) continue;
      for (i = b0; i < b1 && text.charCodeAt(k) === text.charCodeAt(i); i++) k++;
      if (i === b1) return spans[3 * e + 2];
    }
  }
}
