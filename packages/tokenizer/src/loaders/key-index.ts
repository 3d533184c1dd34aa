/**
 * An open-addressing set of byte strings (a vocabulary's keys as UTF-8), stored one after another in one
 * arena, numbered in the order they were added. It answers "which key is these bytes?" without making a
 * string, and "which key is key A followed by key B?" from A's and B's hashes alone: the hash is polynomial,
 * so hash(A + B) = hash(A)·M^len(B) + hash(B). A lookup returns a slot; {@link KeyIndex.key} gives its number.
 *
 * NOTE: each slot holds [hash, start, end, number + 1] side by side, so a probe touches one cache line of the
 * table and then the arena: resolving Gemma 3's 515k merges is three lookups each, and memory-bound.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { KeyIndex, hashBytes } from './packages/tokenizer/src/loaders/key-index';
 * const bytes = new TextEncoder().encode('a b ab');
 * const index = new KeyIndex(new Uint8Array(bytes.length));
 * for (const [s, e] of [[0, 1], [2, 3], [4, 6]]) index.add(hashBytes(bytes, s, e), bytes, s, e); // keys 0, 1, 2
 * const a = index.find(hashBytes(bytes, 0, 1), bytes, 0, 1);
 * const b = index.find(hashBytes(bytes, 2, 3), bytes, 2, 3);
 * console.log(index.key(index.findPair(a, b)), index.findPair(b, a), index.add(hashBytes(bytes, 0, 1), bytes, 0, 1)); // 2 -1 -1
 * ```
 */
export class KeyIndex {
  /** The keys' bytes, one after another. */
  readonly arena: Uint8Array;
  used = 0;
  size = 0;
  private table: Int32Array;
  // arena start of key k at [k], its end at [k + 1]: keys in the order they were added, for pairNear
  private starts: Int32Array = new Int32Array(1024);
  private mask: number;
  private powers = [1];

  /** `arena` holds the keys' bytes; `expected`, how many keys to size the table for (it grows past that). */
  constructor(arena: Uint8Array, expected = 1024) {
    this.arena = arena;
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.table = new Int32Array(4 * capacity);
  }

  /** Copies src[s, e) (whose {@link hashBytes} is h) in as the next key and returns its number, or -1 when it is already there. */
  add(h: number, src: Uint8Array, s: number, e: number): number {
    if (this.size * 2 >= this.mask) this.rehash();
    const slot = this.probe(h, src, s, e);
    const table = this.table;
    if (table[slot + 3] !== 0) return -1;
    const arena = this.arena;
    let p = this.used;
    table[slot] = h;
    table[slot + 1] = p;
    this.starts[this.size] = p;
    for (let i = s; i < e; i++) arena[p++] = src[i];
    table[slot + 2] = p;
    if (this.size + 2 > this.starts.length) {
      const grown = new Int32Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[this.size + 1] = p;
    table[slot + 3] = ++this.size;
    this.used = p;
    return this.size - 1;
  }

  /** The slot of the key equal to src[s, e) (whose {@link hashBytes} is h), or -1. */
  find(h: number, src: Uint8Array, s: number, e: number): number {
    const slot = this.probe(h, src, s, e);
    return this.table[slot + 3] === 0 ? -1 : slot;
  }

  /** The slot of the key spelled as the key in slot `left` followed by the key in slot `right`, or -1. */
  findPair(left: number, right: number): number {
    const table = this.table;
    const l0 = table[left + 1];
    const ln = table[left + 2] - l0;
    const r0 = table[right + 1];
    const rn = table[right + 2] - r0;
    const h = (Math.imul(table[left], this.power(rn)) + table[right]) | 0;
    for (let slot = (mix(h) & this.mask) << 2; ; slot = (slot + 4) & (this.mask << 2 | 3)) {
      if (table[slot + 3] === 0) return -1;
      if (table[slot] !== h) continue;
      const k0 = table[slot + 1];
      if (table[slot + 2] - k0 === ln + rn && this.spells(k0, l0, ln, r0, rn)) return slot;
    }
  }

  /**
   * The number of the key spelled as the keys in slots `left` and `right`, looked for only among keys `near`,
   * `near - 1` and `near + 1`; -1 when it is none of them. NOTE: merges come in the order of the tokens they make
   * (Gemma 3: 514k of 515k merges make a token within 64 of the previous merge's), so checking the neighbours of
   * the last answer first mostly saves a probe into the table.
   */
  pairNear(left: number, right: number, near: number): number {
    const { table, starts } = this;
    const l0 = table[left + 1];
    const ln = table[left + 2] - l0;
    const r0 = table[right + 1];
    const rn = table[right + 2] - r0;
    for (let d = 0; d < 3; d++) {
      const k = d === 0 ? near : d === 1 ? near - 1 : near + 1;
      if (k < 0 || k >= this.size) continue;
      const k0 = starts[k];
      if (starts[k + 1] - k0 === ln + rn && this.spells(k0, l0, ln, r0, rn)) return k;
    }
    return -1;
  }

  // whether the arena at k0 holds the ln bytes at l0 followed by the rn bytes at r0
  private spells(k0: number, l0: number, ln: number, r0: number, rn: number): boolean {
    const arena = this.arena;
    for (let i = 0; i < ln; i++) if (arena[k0 + i] !== arena[l0 + i]) return false;
    for (let j = 0; j < rn; j++) if (arena[k0 + ln + j] !== arena[r0 + j]) return false;
    return true;
  }

  /** The number of the key in a slot. */
  key(slot: number): number {
    return this.table[slot + 3] - 1;
  }

  // the slot holding src[s, e), or the empty slot where it would go
  private probe(h: number, src: Uint8Array, s: number, e: number): number {
    const { table, arena } = this;
    const n = e - s;
    for (let slot = (mix(h) & this.mask) << 2; ; slot = (slot + 4) & (this.mask << 2 | 3)) {
      if (table[slot + 3] === 0) return slot;
      if (table[slot] !== h) continue;
      const k0 = table[slot + 1];
      if (table[slot + 2] - k0 !== n) continue;
      let i = 0;
      while (i < n && arena[k0 + i] === src[s + i]) i++;
      if (i === n) return slot;
    }
  }

  private rehash(): void {
    const old = this.table;
    this.mask = this.mask * 2 + 1;
    const table = (this.table = new Int32Array(4 * (this.mask + 1)));
    for (let o = 0; o < old.length; o += 4) {
      if (old[o + 3] === 0) continue;
      let slot = (mix(old[o]) & this.mask) << 2;
      while (table[slot + 3] !== 0) slot = (slot + 4) & (this.mask << 2 | 3);
      table.set(old.subarray(o, o + 4), slot);
    }
  }

  private power(n: number): number {
    const p = this.powers;
    while (p.length <= n) p.push(Math.imul(p[p.length - 1], M));
    return p[n];
  }
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
