// `model.merges` of a tokenizer.json resolved to [left, right, merged] ids straight from the file's bytes, without
// a string per merge, in one pass, 32 merges at a time: each side is hashed as it is read, the vocabulary index's
// lines for the batch's sides are fetched together (KeyIndex.touch: their trips to memory overlap), then each side
// is looked up (one cache line for most: the index holds keys' first 8 bytes) and the merged token is found mostly
// by comparing bytes with the token after the previous merge's (merges come in the order of the tokens they make).
// NOTE: measured on Gemma 3 (515k merges, 33 MB file): this beat reading every merge first and then looking all
// the sides up, in file order or sorted into the index's order.
import { TokenizerFormatError } from '../tokenizer-error';
import { BACKSLASH, QUOTE, decodeString, decoded, skipSpace, stringEnd } from './json-bytes';
import { M, hashBytes, type KeyIndex } from './key-index';
import type { MergesSpace } from './scan-merges-wasm';

const utf8 = new TextDecoder();
// merges read before their sides are looked up
const BATCH = 32;

/**
 * Reads the `model.merges` array whose `[` is at `start` (each merge `"a b"` or `["a", "b"]`) into
 * `[left, right, merged]` ids in rank order, or returns undefined when it is not written that way (the caller
 * falls back to JSON.parse, which names the problem). A merge whose tokens or concatenation are not in the
 * vocabulary is a TokenizerFormatError naming it. With `space` (the vocabulary's arrays are in its memory: see
 * scanVocab), the WebAssembly reader reads them, with the same results, errors and fallbacks.
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
export function scanMerges(b: Uint8Array, start: number, index: KeyIndex, ids: Int32Array, space?: MergesSpace): { merges: Int32Array; end: number } | undefined {
  // NOTE: the WebAssembly reader when the vocabulary is in its memory; this reader takes the merges it hands back
  if (space) {
    const read = space.read(b, start, index, new MergeReader(b, index, ids, 1));
    return read && { merges: keysToIds(read.merges, ids), end: read.end };
  }
  return new MergeReader(b, index, ids, Math.max(1024, (b.length >> 6) | 0)).read(start);
}

// key numbers → ids, in place
// NOTE: a function of its own, not the end of MergeReader.read: read's loop is compiled while it runs, and the
// code after it, which had not run yet, was thrown away on reaching it, this loop then running interpreted
function keysToIds(merges: Int32Array, ids: Int32Array): Int32Array {
  // a vocabulary written in id order (Gemma 3's, Llama 3's) has key number = id: nothing to do
  let same = true;
  for (let k = 0; k < ids.length && same; k++) same = ids[k] === k;
  if (!same) for (let k = 0; k < merges.length; k++) merges[k] = ids[merges[k]];
  return merges;
}

/**
 * The JavaScript reader of merges, which reads a whole array (read) or one merge the WebAssembly reader hands
 * back (one).
 */
export class MergeReader {
  // each merge's two sides: hash, start and end; a start < 0 is ~start in `side`, where escaped strings are decoded
  private readonly hashes = new Int32Array(2 * BATCH);
  private readonly starts = new Int32Array(2 * BATCH);
  private readonly ends = new Int32Array(2 * BATCH);
  // where the merge being read puts its sides
  private at = 0;
  private side = new Uint8Array(256);
  private sideUsed = 0;
  // the merges so far as vocabulary key numbers, 3 per merge, and the key the last merge made
  private out: Int32Array;
  private count = 0;
  private last = -1;
  private touched = 0;
  // merges in the batch just read, and whether it ended the array
  private inBatch = 0;
  /** Whether the last merge read ended the array. */
  done = false;

  // `merges`: how many merges to make room for first
  constructor(private readonly b: Uint8Array, private readonly index: KeyIndex, private readonly ids: Int32Array, merges: number) {
    this.out = new Int32Array(3 * merges);
  }

  read(start: number): { merges: Int32Array; end: number } | undefined {
    const b = this.b;
    let p = skipSpace(b, start + 1);
    if (b[p] === 0x5d) return { merges: new Int32Array(0), end: p + 1 };
    // NOTE: a batch per call, so that the hot code is a function called many times, which the engine optimizes
    // once and for all, rather than one long loop it compiles on the fly anew at every load
    for (let j = 0; !this.done; ) {
      this.sideUsed = 0;
      p = this.batch(p, BATCH);
      if (p < 0) return undefined;
      // the index lines of the batch's sides fetched together, then each merge resolved
      this.touched ^= this.index.touch(this.hashes, 2 * this.inBatch);
      for (let i = 0; i < this.inBatch; i++) this.resolve(j++, 2 * i);
    }
    return { merges: keysToIds(this.out.subarray(0, 3 * this.count), this.ids), end: p };
  }

  /**
   * Reads the one merge at p (merge j; `last` the key the merge before made) into {@link MergeReader.triple}
   * (key numbers); returns the index after it and the `,` or `]` that follows (`done` then set), or -1 for what
   * read returns undefined for. A merge of tokens not in the vocabulary throws, as in read.
   */
  one(p: number, j: number, last: number): number {
    this.sideUsed = 0;
    this.count = 0;
    this.last = last;
    p = this.batch(p, 1);
    if (p < 0) return -1;
    this.resolve(j, 0);
    return p;
  }

  /** What {@link MergeReader.one} read: [left, right, merged] key numbers. */
  get triple(): Int32Array {
    return this.out;
  }

  // reads up to `limit` (≤ BATCH) merges from p (at a merge) into the sides; returns the index after them, or -1
  private batch(p: number, limit: number): number {
    const { b, hashes, starts, ends } = this;
    let m = 0;
    while (m < limit) {
      const at = (this.at = 2 * m);
      let c = b[p];
      if (c === 0x5b) {
        // ["a", "b"]: the hot loop of a pretty-printed file, written out
        for (let k = 0; k < 2; k++) {
          for (c = b[++p]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++p]);
          if (c !== QUOTE) return -1;
          const s = p + 1;
          let h = 0;
          for (p = s; (c = b[p]) !== QUOTE && c !== BACKSLASH && c >= 0x20; p++) h = (Math.imul(h, M) + c) | 0;
          if (c === QUOTE) {
            hashes[at + k] = h;
            starts[at + k] = s;
            ends[at + k] = p;
          } else if ((p = this.escaped(s - 1, at + k)) < 0) return -1;
          for (c = b[++p]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++p]);
          if (c !== (k === 0 ? 0x2c : 0x5d)) return -1;
        }
        p++;
      } else if (c === QUOTE) {
        p = this.spaced(p);
        if (p < 0) return -1;
      } else {
        return -1;
      }
      m++;
      for (c = b[p]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++p]);
      p++;
      if (c === 0x5d) {
        this.done = true;
        break;
      }
      if (c !== 0x2c) return -1;
      for (c = b[p]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++p]);
    }
    this.inBatch = m;
    return p;
  }

  // `"a b"` at p, as sides 0 and 1: one space splits it; returns the index past the closing quote, or -1
  private spaced(p: number): number {
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
      this.sides(ha, s, space, hb, space + 1, p);
      return p + 1;
    }
    // escaped: decode the whole string, then split the decoded bytes at their one space
    const at = this.decode(s - 1);
    if (at < 0) return -1;
    const side = this.side;
    const e = this.sideUsed;
    const sp = side.indexOf(0x20, at);
    const next = side.indexOf(0x20, sp + 1);
    if (sp < 0 || sp >= e || (next >= 0 && next < e)) return -1;
    this.sides(hashBytes(side, at, sp), ~at, sp, hashBytes(side, sp + 1, e), ~(sp + 1), e);
    return decoded.end + 1;
  }

  // the escaped string whose quote is at q, decoded as side i; returns the index of its closing quote, or -1
  private escaped(q: number, i: number): number {
    const at = this.decode(q);
    if (at < 0) return -1;
    this.hashes[i] = hashBytes(this.side, at, this.sideUsed);
    this.starts[i] = ~at;
    this.ends[i] = this.sideUsed;
    return decoded.end;
  }

  private sides(ha: number, as: number, ae: number, hb: number, bs: number, be: number): void {
    const i = this.at;
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

  // merge j, read into sides i and i + 1: its key numbers appended to `out`
  private resolve(j: number, i: number): void {
    const { b, side, index, hashes, starts, ends } = this;
    const as = starts[i];
    const bs = starts[i + 1];
    const a = as >= 0 ? b : side;
    const z = bs >= 0 ? b : side;
    const a0 = as >= 0 ? as : ~as;
    const z0 = bs >= 0 ? bs : ~bs;
    const a1 = ends[i];
    const z1 = ends[i + 1];
    const left = index.find(hashes[i], a, a0, a1);
    const right = index.find(hashes[i + 1], z, z0, z1);
    const last = this.last;
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
    let out = this.out;
    const o = 3 * this.count++;
    if (o + 3 > out.length) {
      out = new Int32Array(out.length * 2);
      out.set(this.out);
      this.out = out;
    }
    // NOTE: key numbers here, ids in a last pass: reading ids[key] now would wait on the lookups
    out[o] = left;
    out[o + 1] = right;
    out[o + 2] = merged;
    this.last = merged;
  }
}
