// A fast path for reading a large tokenizer.json (Gemma 3's is 33 MB: 262k vocabulary entries, 515k merges).
// JSON.parse of that file alone takes longer than the whole load should (a 262k-key object and 515k two-string
// arrays that the loader only turns into a token list and id triples). This walks the file's UTF-8 bytes:
// `model.vocab` goes to scanVocab (keys decoded in one call, no string per key, indexed by their bytes) and `model.merges` to
// scanMerges (resolved to [left, right, merged] ids without a string per merge); every other part of the file
// goes through JSON.parse. Anything unexpected (not JSON, a non-integer id, an odd merge, bytes that are not
// UTF-8) returns undefined, and the caller falls back to JSON.parse, which then reports the problem by name.
import { QUOTE, skipSpace, skipValue, stringEnd } from './json-bytes';
import { scanMerges } from './scan-merges';
import { scanVocab, type ScannedVocab } from './scan-vocab';
import type { JsonObject } from './tokenizer-json-parts';

/**
 * A tokenizer.json read by {@link scanTokenizerJson}: the file without `model.vocab` / `model.merges` (left as
 * `{}` and `[]`), which come as the vocabulary read from the bytes and as id triples instead.
 *
 * @example
 * ```ts
 * // an internal type (not exported by the package), imported here from its source file
 * import { scanTokenizerJson, type ScannedTokenizerJson } from './packages/tokenizer/src/loaders/scan-tokenizer-json';
 * const scanned: ScannedTokenizerJson | undefined = scanTokenizerJson('{"model":{"type":"BPE","vocab":{"a":0}}}');
 * console.log(scanned?.vocab.key(0), scanned?.vocab.ids[0]); // a 0
 * ```
 */
export interface ScannedTokenizerJson {
  root: JsonObject;
  /** `model.vocab`: its keys (no key twice) and their ids, in file order. */
  vocab: ScannedVocab;
  /** `[left, right, merged]` ids per merge, in rank order; undefined when the model has no `merges`. */
  merges: Int32Array | undefined;
}

class Fallback extends Error {}

const utf8 = new TextDecoder();
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
 * console.log(s?.vocab.keys(), s?.merges); // [ 'a', 'b', 'ab' ] Int32Array(3) [ 0, 1, 2 ]
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

class Scanner {
  private pos = 0;
  private vocab: ScannedVocab | undefined;
  private mergesStart = -1;
  private mergeIds: Int32Array | undefined;

  constructor(private readonly b: Uint8Array) {}

  file(): ScannedTokenizerJson {
    const root: JsonObject = {};
    this.objectEntries((key, start) => {
      // NOTE: a key written twice: JSON.parse keeps the last, which the fast path would not; let it read the file
      if (Object.hasOwn(root, key)) throw new Fallback();
      if (key === 'model') root.model = this.model();
      else root[key] = this.parsed(start, this.skip());
    });
    this.pos = skipSpace(this.b, this.pos);
    if (this.pos !== this.b.length || !this.vocab) throw new Fallback();
    // merges written before the vocabulary are read once it is known
    if (this.mergesStart >= 0) this.merges(this.mergesStart);
    this.vocab.space = undefined;
    return { root, vocab: this.vocab, merges: this.mergeIds };
  }

  private model(): JsonObject {
    const model: JsonObject = {};
    if (this.b[this.pos] !== 0x7b) throw new Fallback();
    this.objectEntries((key, start) => {
      if (Object.hasOwn(model, key)) throw new Fallback();
      if (key === 'vocab' && this.b[start] === 0x7b) {
        const vocab = scanVocab(this.b, start);
        if (!vocab) throw new Fallback();
        this.vocab = vocab;
        this.pos = vocab.end;
        model.vocab = {};
      } else if (key === 'merges' && this.b[start] === 0x5b) {
        if (this.vocab) this.pos = this.merges(start);
        else {
          this.mergesStart = start;
          this.skip();
        }
        model.merges = [];
      } else {
        model[key] = this.parsed(start, this.skip());
      }
    });
    return model;
  }

  // reads the merges array at `start` against the vocabulary; returns its end
  private merges(start: number): number {
    const { index, ids } = this.vocab!;
    const read = scanMerges(this.b, start, index, ids, this.vocab!.space);
    if (!read) throw new Fallback();
    this.mergeIds = read.merges;
    return read.end;
  }

  // calls `value(key, start)` for each key of the object at pos, with pos at the value; the callback moves pos past it
  private objectEntries(value: (key: string, start: number) => void): void {
    const b = this.b;
    this.pos = skipSpace(b, this.pos);
    if (b[this.pos] !== 0x7b) throw new Fallback();
    this.pos = skipSpace(b, this.pos + 1);
    if (b[this.pos] === 0x7d) {
      this.pos++;
      return;
    }
    for (;;) {
      this.pos = skipSpace(b, this.pos);
      const start = this.pos;
      const end = b[start] === QUOTE ? stringEnd(b, start) : -1;
      if (end < 0) throw new Fallback();
      const key = this.parsed(start, end) as string;
      this.pos = skipSpace(b, end);
      if (b[this.pos] !== 0x3a) throw new Fallback();
      this.pos = skipSpace(b, this.pos + 1);
      value(key, this.pos);
      this.pos = skipSpace(b, this.pos);
      const c = b[this.pos++];
      if (c === 0x7d) return;
      if (c !== 0x2c) throw new Fallback();
    }
  }

  // moves past one JSON value of any kind (checked later by JSON.parse) and returns its end
  private skip(): number {
    const end = skipValue(this.b, this.pos);
    if (end < 0) throw new Fallback();
    return (this.pos = end);
  }

  private parsed(start: number, end: number): unknown {
    try {
      return JSON.parse(utf8.decode(this.b.subarray(start, end)));
    } catch {
      throw new Fallback();
    }
  }
}
