/**
 * An open-addressing set of byte strings (a vocabulary's keys as UTF-8), which sit one after another in one
 * arena and are numbered in that order. It answers "which key is these bytes?" without making a string, and
 * "which key is these bytes followed by those?" from the two parts' hashes alone: the hash is polynomial, so
 * hash(A + B) = hash(A)·M^len(B) + hash(B).
 *
 * NOTE: on a 262k-key vocabulary the table and the arena are larger than the CPU's caches, and a lookup is a
 * trip to memory for each. So a slot holds [hash, number + 1 | length << 24, first 8 bytes] side by side: 90% of
 * Gemma 3's merge parts are 8 bytes or less, and are found from one cache line of the table without touching the
 * arena. Callers look many keys up in a row, with nothing in between that depends on the answers, so that the
 * trips of successive lookups overlap (measured: faster than sorting the lookups into the table's order first).
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { KeyIndex, hashBytes } from './packages/tokenizer/src/loaders/key-index';
 * const arena = new TextEncoder().encode('abab'); // keys 'a', 'b', 'ab'
 * const starts = Int32Array.of(0, 1, 2, 4);
 * const hashes = Int32Array.of(hashBytes(arena, 0, 1), hashBytes(arena, 1, 2), hashBytes(arena, 2, 4));
 * const index = new KeyIndex(arena, starts, hashes, 3);
 * console.log(index.duplicate, index.find(hashBytes(arena, 2, 4), arena, 2, 4), index.find(7, arena, 0, 0)); // -1 2 -1
 * ```
 */
export class KeyIndex {
  /** The number of the first key that repeats an earlier one, or -1. */
  readonly duplicate: number = -1;
  /** 4 per slot: hash, number + 1 | min(length, 255) << 24, first 8 bytes (read by the merges' WebAssembly reader). */
  readonly table: Int32Array;
  /** The number of slots - 1. */
  readonly mask: number;
  // what insert read, kept so the reads are not optimized away
  private touched = 0;
  private readonly powers = [1];

  /**
   * Keys k = 0..count-1 are arena[starts[k], starts[k + 1]), with their {@link hashBytes} in `hashes`; `table`, when
   * given, is where the index is built (zeros, 4 × {@link indexCapacity}(count) of them). With `built`, the table
   * already holds it (built by the WebAssembly module: tokenizer-json.wat's `index`), and `built` is its first repeated key
   * or -1.
   */
  constructor(
    readonly arena: Uint8Array,
    readonly starts: Int32Array,
    hashes: Int32Array,
    readonly count: number,
    table?: Int32Array,
    built?: number,
  ) {
    const capacity = indexCapacity(count);
    this.mask = capacity - 1;
    this.table = table ?? new Int32Array(4 * capacity);
    if (built !== undefined) {
      this.duplicate = built;
      return;
    }
    // NOTE: in batches: the table lines a batch's keys start at are read first, together, so that their trips to
    // memory overlap (the table is larger than the caches); and a method called many times is compiled once, not
    // anew while each load's one long loop runs
    for (let k = 0; k < count && this.duplicate < 0; k += BATCH) this.duplicate = this.insert(hashes, k, Math.min(count, k + BATCH));
  }

  // inserts keys [from, to); returns the first that repeats an earlier key, or -1
  private insert(hashes: Int32Array, from: number, to: number): number {
    const { table, arena, starts, mask } = this;
    const wrap = (mask << 2) | 3;
    let x = 0;
    for (let k = from; k < to; k++) x |= table[((mix(hashes[k]) & mask) << 2) + 1];
    this.touched ^= x;
    for (let k = from; k < to; k++) {
      const h = hashes[k];
      const s = starts[k];
      const e = starts[k + 1];
      const meta = ((k + 1) | (Math.min(e - s, 255) << 24)) | 0;
      const w0 = word(arena, s, e);
      const w1 = word(arena, s + 4, e);
      let slot = (mix(h) & mask) << 2;
      for (; table[slot + 1] !== 0; slot = (slot + 4) & wrap) {
        if (table[slot] === h && table[slot + 1] >>> 24 === meta >>> 24 && table[slot + 2] === w0 && table[slot + 3] === w1 && this.tailEquals(table[slot + 1], arena, s, e)) {
          return k;
        }
      }
      table[slot] = h;
      table[slot + 1] = meta;
      table[slot + 2] = w0;
      table[slot + 3] = w1;
    }
    return -1;
  }

  /** The number of the key equal to src[s, e) (whose {@link hashBytes} is h), or -1. */
  find(h: number, src: Uint8Array, s: number, e: number): number {
    const table = this.table;
    const wrap = (this.mask << 2) | 3;
    const len = Math.min(e - s, 255);
    const w0 = word(src, s, e);
    const w1 = word(src, s + 4, e);
    for (let slot = (mix(h) & this.mask) << 2; ; slot = (slot + 4) & wrap) {
      const meta = table[slot + 1];
      if (meta === 0) return -1;
      if (table[slot] === h && meta >>> 24 === len && table[slot + 2] === w0 && table[slot + 3] === w1 && (e - s <= 8 || this.tailEquals(meta, src, s, e))) {
        return (meta & 0xffffff) - 1;
      }
    }
  }

  /**
   * Reads the table lines that lookups of these n hashes will start at, and returns nothing useful (a value the
   * caller keeps so the reads are not optimized away). NOTE: the reads do not wait on one another, so their trips to
   * memory overlap; the lookups that follow find the lines in the cache instead of each waiting in turn.
   */
  touch(hashes: Int32Array, n: number): number {
    const table = this.table;
    let x = 0;
    for (let i = 0; i < n; i++) x ^= table[((mix(hashes[i]) & this.mask) << 2) + 1];
    return x;
  }

  /**
   * The number of the key spelled a[as, ae) followed by b[bs, be), given the two parts' hashes, or -1.
   */
  findConcat(ha: number, a: Uint8Array, as: number, ae: number, hb: number, b: Uint8Array, bs: number, be: number): number {
    const table = this.table;
    const wrap = (this.mask << 2) | 3;
    const h = (Math.imul(ha, this.power(be - bs)) + hb) | 0;
    for (let slot = (mix(h) & this.mask) << 2; ; slot = (slot + 4) & wrap) {
      const meta = table[slot + 1];
      if (meta === 0) return -1;
      const k = (meta & 0xffffff) - 1;
      if (table[slot] === h && this.spells(k, a, as, ae, b, bs, be)) return k;
    }
  }

  /** Whether key k is spelled a[as, ae) followed by b[bs, be). */
  spells(k: number, a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
    if (k < 0 || k >= this.count) return false;
    const arena = this.arena;
    let i = this.starts[k];
    if (this.starts[k + 1] - i !== ae - as + (be - bs)) return false;
    for (let j = as; j < ae; j++) if (arena[i++] !== a[j]) return false;
    for (let j = bs; j < be; j++) if (arena[i++] !== b[j]) return false;
    return true;
  }

  // whether the key of a slot's `meta` holds src[s, e) past the first 8 bytes (the table holds those)
  private tailEquals(meta: number, src: Uint8Array, s: number, e: number): boolean {
    const k = (meta & 0xffffff) - 1;
    const k0 = this.starts[k];
    if (this.starts[k + 1] - k0 !== e - s) return false;
    const arena = this.arena;
    for (let i = 8; i < e - s; i++) if (arena[k0 + i] !== src[s + i]) return false;
    return true;
  }

  private power(n: number): number {
    const p = this.powers;
    while (p.length <= n) p.push(Math.imul(p[p.length - 1], M));
    return p[n];
  }
}

/**
 * The number of slots of a {@link KeyIndex} of `count` keys: the smallest power of two at least twice that (at
 * least 16).
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { indexCapacity } from './packages/tokenizer/src/loaders/key-index';
 * console.log(indexCapacity(3), indexCapacity(262145)); // 16 1048576
 * ```
 */
export function indexCapacity(count: number): number {
  let capacity = 16;
  while (capacity < count * 2) capacity *= 2;
  return capacity;
}

// keys inserted per call of KeyIndex.insert
const BATCH = 32;

/** How many keys a {@link KeyIndex} can hold (a slot keeps a key's number in 24 bits). */
export const MAX_KEYS = 0xfffffe;

// up to 4 bytes of src[s, e) from s, little-endian, zero past e
function word(src: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n >= 4) return src[s] | (src[s + 1] << 8) | (src[s + 2] << 16) | (src[s + 3] << 24);
  if (n <= 0) return 0;
  return src[s] | (n > 1 ? src[s + 1] << 8 : 0) | (n > 2 ? src[s + 2] << 16 : 0);
}

/** The multiplier of {@link hashBytes}. */
export const M = 0x01000193;

/**
 * The polynomial hash {@link KeyIndex} keys on: h = h·M + byte, over src[s, e).
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { hashBytes } from './packages/tokenizer/src/loaders/key-index';
 * console.log(hashBytes(Uint8Array.of(1, 2), 0, 2) === 0x01000193 + 2); // true
 * ```
 */
export function hashBytes(src: Uint8Array, s: number, e: number): number {
  let h = 0;
  for (let i = s; i < e; i++) h = (Math.imul(h, M) + src[i]) | 0;
  return h;
}

// murmur3's finalizer: the polynomial hash's low bits alone are poorly spread
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
