// `model.merges` of a tokenizer.json resolved to [left, right, merged] ids straight from the file's bytes, without
// a string per merge. Gemma 3 has 515k merges against a 262k-key vocabulary whose index is larger than the CPU's
// caches, so the work is three passes: read every merge (each side's place and hash), look all sides up at once
// (KeyIndex.findAll, in the index's order rather than the file's), then find each merged token, mostly by
// comparing bytes with the token after the previous merge's (merges come in the order of the tokens they make).
import { TokenizerFormatError } from '../tokenizer-error';
import { BACKSLASH, QUOTE, decodeString, decoded, skipSpace, stringEnd } from './json-bytes';
import { M, hashBytes, type KeyIndex } from './key-index';

const utf8 = new TextDecoder();

/**
 * Reads the `model.merges` array whose `[` is at `start` (each merge `"a b"` or `["a", "b"]`) into
 * `[left, right, merged]` ids in rank order, or returns undefined when it is not written that way (the caller
 * falls back to JSON.parse, which names the problem). A merge whose tokens or concatenation are not in the
 * vocabulary is a TokenizerFormatError naming it.
 *
 * @example
 * ```ts
 * // internal helpers (not exported by the package), imported here from their source files
 * import { scanVocab } from './packages/tokenizer/src/loaders/scan-vocab';
 * import { scanMerges } from './packages/tokenizer/src/loaders/scan-merges';
 * const bytes = new TextEncoder().encode('{"a": 0, "b": 1, "ab": 2} ["a b", ["ab", "b"]]');
 * const vocab = scanVocab(bytes, 0)!;
 * try {
 *   scanMerges(bytes, vocab.end + 1, vocab.index, vocab.ids);
 * } catch (e) {
 *   console.log((e as Error).message); // tokenizer.json: model.merges[1] ('ab b') uses a token that is not in model.vocab
 * }
 * ```
 */
export function scanMerges(b: Uint8Array, start: number, index: KeyIndex, ids: Int32Array): { merges: Int32Array; end: number } | undefined {
  return new MergeReader(b, index, ids).read(start);
}

class MergeReader {
  // each merge's two sides: hash, start and end; a start < 0 is ~start in `side`, where escaped strings are decoded
  private hashes = new Int32Array(2048);
  private starts = new Int32Array(2048);
  private ends = new Int32Array(2048);
  private side = new Uint8Array(256);
  private sideUsed = 0;

  constructor(
    private readonly b: Uint8Array,
    private readonly index: KeyIndex,
    private readonly ids: Int32Array,
  ) {}

  read(start: number): { merges: Int32Array; end: number } | undefined {
    const b = this.b;
    let p = skipSpace(b, start + 1);
    if (b[p] === 0x5d) return { merges: new Int32Array(0), end: p + 1 };
    let m = 0;
    for (;;) {
      if (2 * m + 2 > this.hashes.length) this.grow();
      p = skipSpace(b, p);
      p = b[p] === QUOTE ? this.spaced(p, 2 * m) : b[p] === 0x5b ? this.pair(p, 2 * m) : -1;
      if (p < 0) return undefined;
      m++;
      p = skipSpace(b, p);
      const c = b[p++];
      if (c === 0x5d) break;
      if (c !== 0x2c) return undefined;
    }
    const keys = new Int32Array(2 * m);
    this.index.findAll(2 * m, this.hashes, this.starts, this.ends, b, this.side, keys);
    return { merges: this.resolve(m, keys), end: p };
  }

  private grow(): void {
    const n = this.hashes.length * 2;
    for (const name of ['hashes', 'starts', 'ends'] as const) {
      const grown = new Int32Array(n);
      grown.set(this[name]);
      this[name] = grown;
    }
  }

  // `"a b"` at p: one space splits it; returns the index past the closing quote, or -1
  private spaced(p: number, i: number): number {
    const b = this.b;
    const s = p + 1;
    let ha = 0;
    let hb = 0;
    let space = -1;
    let c = 0;
    for (p = s; (c = b[p]) !== QUOTE && c !== BACKSLASH && c >= 0x20; p++) {
      if (c === 0x20) {
        if (space >= 0) return -1;
        space = p;
      } else if (space < 0) ha = (Math.imul(ha, M) + c) | 0;
      else hb = (Math.imul(hb, M) + c) | 0;
    }
    if (c === QUOTE) {
      if (space < 0) return -1;
      this.side2(i, ha, s, space, hb, space + 1, p);
      return p + 1;
    }
    // escaped: decode the whole string, then split the decoded bytes at their one space
    const at = this.decode(s - 1);
    if (at < 0) return -1;
    const side = this.side;
    const e = this.sideUsed;
    const sp = side.indexOf(0x20, at);
    if (sp < 0 || sp >= e || (side.indexOf(0x20, sp + 1) >= 0 && side.indexOf(0x20, sp + 1) < e)) return -1;
    this.side2(i, hashBytes(side, at, sp), ~at, sp, hashBytes(side, sp + 1, e), ~(sp + 1), e);
    return decoded.end + 1;
  }

  // `["a", "b"]` at p; returns the index past the closing bracket, or -1
  private pair(p: number, i: number): number {
    const b = this.b;
    for (let j = 0; j < 2; j++) {
      p = skipSpace(b, j === 0 ? p + 1 : p);
      if (b[p] !== QUOTE) return -1;
      const s = p + 1;
      let h = 0;
      let c = 0;
      for (p = s; (c = b[p]) !== QUOTE && c !== BACKSLASH && c >= 0x20; p++) h = (Math.imul(h, M) + c) | 0;
      if (c === QUOTE) {
        this.hashes[i + j] = h;
        this.starts[i + j] = s;
        this.ends[i + j] = p;
      } else {
        const at = this.decode(s - 1);
        if (at < 0) return -1;
        this.hashes[i + j] = hashBytes(this.side, at, this.sideUsed);
        this.starts[i + j] = ~at;
        this.ends[i + j] = this.sideUsed;
        p = decoded.end;
      }
      p = skipSpace(b, p + 1);
      if (b[p] !== (j === 0 ? 0x2c : 0x5d)) return -1;
      p++;
    }
    return p;
  }

  private side2(i: number, ha: number, as: number, ae: number, hb: number, bs: number, be: number): void {
    this.hashes[i] = ha;
    this.starts[i] = as;
    this.ends[i] = ae;
    this.hashes[i + 1] = hb;
    this.starts[i + 1] = bs;
    this.ends[i + 1] = be;
  }

  // decodes the string whose quote is at q into `side`; returns where it starts there, or -1
  private decode(q: number): number {
    const raw = stringEnd(this.b, q);
    if (raw < 0) return -1;
    const at = this.sideUsed;
    if (at + raw - q > this.side.length) {
      const grown = new Uint8Array(Math.max(this.side.length * 2, at + raw - q));
      grown.set(this.side.subarray(0, at));
      this.side = grown;
    }
    const e = decodeString(this.b, q, this.side, at);
    if (e < 0) return -1;
    this.sideUsed = e;
    return at;
  }

  private resolve(m: number, keys: Int32Array): Int32Array {
    const { b, side, index, ids, hashes, starts, ends } = this;
    const out = new Int32Array(3 * m);
    let last = -1;
    for (let j = 0; j < m; j++) {
      const i = 2 * j;
      const left = keys[i];
      const right = keys[i + 1];
      const as = starts[i];
      const bs = starts[i + 1];
      const a = as >= 0 ? b : side;
      const z = bs >= 0 ? b : side;
      const a0 = as >= 0 ? as : ~as;
      const z0 = bs >= 0 ? bs : ~bs;
      const a1 = ends[i];
      const z1 = ends[i + 1];
      let merged = -1;
      if (left >= 0 && right >= 0) {
        // NOTE: 514k of Gemma 3's 515k merges make the token just before, at or after the previous merge's
        if (index.spells(last + 1, a, a0, a1, z, z0, z1)) merged = last + 1;
        else if (index.spells(last, a, a0, a1, z, z0, z1)) merged = last;
        else if (index.spells(last + 2, a, a0, a1, z, z0, z1)) merged = last + 2;
        else merged = index.findConcat(hashes[i], a, a0, a1, hashes[i + 1], z, z0, z1);
      }
      if (merged < 0) {
        const text = `${utf8.decode(a.subarray(a0, a1))} ${utf8.decode(z.subarray(z0, z1))}`;
        throw new TokenizerFormatError('tokenizer.json', `model.merges[${j}] ('${text}') uses a token that is not in model.vocab`);
      }
      out[3 * j] = ids[left];
      out[3 * j + 1] = ids[right];
      out[3 * j + 2] = ids[merged];
      last = merged;
    }
    return out;
  }
}
