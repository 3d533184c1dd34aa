import { TokenizerFormatError } from './tokenizer-error';

/**
 * Open-addressing hash table from a pair of token ids to the id they merge into and the merge's priority
 * (lower merges first). Keyed on ids, not strings, so the inner BPE loop never builds a string.
 *
 * NOTE: the merges sit in a list of `[left, right, merged]` triples (for a file's merges, the loader's own
 * triples, not copied) and a slot holds only a merge's number and 8 bits of the pair's hash: 4 bytes a slot, so
 * Gemma 3's 515k merges take a 4 MB table instead of 16 MB. A load's large allocations are what start a full
 * garbage collection (V8 starts one past 64 MB of new ArrayBuffer memory, and the file itself is 33 MB); the hash
 * bits spare a lookup that misses a read of the list.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { PairMergeTable } from './packages/tokenizer/src/pair-merge-table';
 * const table = new PairMergeTable(1);
 * table.add(10, 11, 42, 0); // tokens 10 and 11 merge into 42, with rank 0
 * const slot = table.find(10, 11);
 * console.log(table.mergedAt(slot), table.find(11, 10)); // 42 -1
 * ```
 */
export class PairMergeTable {
  // slot: 0 when empty, else (merge number + 1) | the hash's top 8 bits
  private slots: Int32Array;
  private mask: number;
  // merge e is pairs[3e..3e+3) = [left, right, merged], with rank ranks[e] (rank e when ranks is undefined)
  private pairs: Int32Array;
  private ranks: Int32Array | undefined;
  // merges in `pairs` (some may repeat an earlier pair and have no slot); whether `pairs` is the caller's array
  private entries = 0;
  private borrowed = false;
  size = 0;

  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity);
    this.pairs = new Int32Array(3 * Math.max(4, expected));
    this.ranks = new Int32Array(Math.max(4, expected));
  }

  /** The id a found pair merges into. @example const merged = table.mergedAt(table.find(a, b)); */
  mergedAt(slot: number): number {
    return this.pairs[3 * slot + 2];
  }

  /** The priority of a found pair (lower merges first). @example const rank = table.rankAt(table.find(a, b)); */
  rankAt(slot: number): number {
    return this.ranks === undefined ? slot : this.ranks[slot];
  }

  /**
   * A table of merges given as `[left, right, merged]` id triples in priority order (rank = position).
   *
   * @example
   * ```ts
   * // an internal helper (not exported by the package), imported here from its source file
   * import { PairMergeTable } from './packages/tokenizer/src/pair-merge-table';
   * const table = PairMergeTable.fromTriples(Int32Array.of(10, 11, 42));
   * console.log(table.mergedAt(table.find(10, 11))); // 42
   * ```
   */
  static fromTriples(triples: Int32Array): PairMergeTable {
    const n = Math.floor(triples.length / 3);
    if (n >= ENTRY) throw new Error(`a merge table holds at most ${ENTRY - 1} merges`);
    const table = new PairMergeTable(0);
    const slots = (table.slots = new Int32Array(capacityFor(n)));
    table.mask = slots.length - 1;
    table.pairs = triples;
    table.ranks = undefined;
    table.borrowed = true;
    table.entries = n;
    // NOTE: the merges are inserted region by region of the table (a stable counting sort of their hashes by
    // the region their probe starts in), so that the inserts of a region hit a few kB of the table, in cache,
    // instead of each a random place of megabytes (Gemma 3: 515k merges, a 4 MB table). The first merge of a pair
    // still wins, and a pair's slot is found the same way: the lookups are those of inserting in merge order.
    const shift = Math.max(0, 31 - Math.clz32(slots.length) - REGION_BITS);
    const starts = new Int32Array((slots.length >>> shift) + 1);
    const byRegion = new Int32Array(2 * n);
    for (let e = 0; e < n; e += CHUNK) countRegions(triples, starts, table.mask, shift, e, Math.min(n, e + CHUNK));
    for (let r = 1; r < starts.length; r++) starts[r] += starts[r - 1];
    for (let e = 0; e < n; e += CHUNK) scatterRange(triples, starts, byRegion, table.mask, shift, e, Math.min(n, e + CHUNK));
    for (let j = 0; j < n; j += CHUNK) table.size += insertRange(slots, table.mask, triples, byRegion, j, Math.min(n, j + CHUNK));
    return table;
  }

  /**
   * A table of merges given as token pairs in priority order (rank = position), resolved through `idOf`; a
   * pair whose tokens or concatenation have no id is a TokenizerFormatError naming the merge and `fileKind`.
   *
   * @example
   * ```ts
   * // an internal helper (not exported by the package), imported here from its source file
   * import { PairMergeTable } from './packages/tokenizer/src/pair-merge-table';
   * const ids = new Map([['a', 0], ['b', 1], ['ab', 2]]);
   * const table = PairMergeTable.fromPairs([['a', 'b']], (t) => ids.get(t), 'vocab.bpe');
   * console.log(table.mergedAt(table.find(0, 1))); // 2
   * ```
   */
  static fromPairs(merges: ReadonlyArray<readonly [string, string]>, idOf: (token: string) => number | undefined, fileKind: string): PairMergeTable {
    const table = new PairMergeTable(merges.length);
    merges.forEach(([a, b], rank) => {
      const left = idOf(a);
      const right = idOf(b);
      const merged = idOf(a + b);
      if (left === undefined || right === undefined || merged === undefined) {
        throw new TokenizerFormatError(fileKind, `merge ${rank + 1} ('${a} ${b}') uses a token that is not in the vocabulary`);
      }
      table.add(left, right, merged, rank);
    });
    return table;
  }

  /**
   * A table with no merge list (tiktoken ranks, SentencePiece scores): every split of a token into two tokens,
   * between code points, merges into it with the token's rank.
   *
   * @example
   * ```ts
   * // an internal helper (not exported by the package), imported here from its source file
   * import { PairMergeTable } from './packages/tokenizer/src/pair-merge-table';
   * const ids = new Map([['a', 0], ['b', 1], ['ab', 2]]);
   * const table = PairMergeTable.fromSplits(ids, (id) => id);
   * console.log(table.mergedAt(table.find(0, 1)), table.rankAt(table.find(0, 1))); // 2 2
   * ```
   */
  static fromSplits(ids: ReadonlyMap<string, number>, rankOf: (id: number) => number): PairMergeTable {
    const table = new PairMergeTable(ids.size * 2);
    for (const [token, id] of ids) {
      for (let k = 1; k < token.length; k++) {
        const c = token.charCodeAt(k);
        if (c >= 0xdc00 && c <= 0xdfff) continue; // split between code points only
        const left = ids.get(token.slice(0, k));
        if (left === undefined) continue;
        const right = ids.get(token.slice(k));
        if (right !== undefined) table.add(left, right, id, rankOf(id));
      }
    }
    return table;
  }

  /** Adds a merge unless the pair is already there (the first, best-ranked one wins). @example table.add(a, b, ab, rank); */
  add(a: number, b: number, merged: number, rank: number): void {
    if (this.find(a, b) >= 0) return;
    const e = this.entries++;
    if (e >= ENTRY) throw new Error(`a merge table holds at most ${ENTRY - 1} merges`);
    if (this.borrowed || this.ranks === undefined || 3 * e + 3 > this.pairs.length) this.own(e + 1);
    const pairs = this.pairs;
    pairs[3 * e] = a;
    pairs[3 * e + 1] = b;
    pairs[3 * e + 2] = merged;
    this.ranks![e] = rank;
    this.insert(e);
  }

  /** The slot of pair (a, b), or -1. @example const slot = table.find(a, b); */
  find(a: number, b: number): number {
    const { slots, pairs, mask } = this;
    const h = hash(a, b);
    const tag = h & TAG;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = slots[i];
      if (v === 0) return -1;
      if ((v & TAG) === tag) {
        const e = (v & ENTRY) - 1;
        if (pairs[3 * e] === a && pairs[3 * e + 1] === b) return e;
      }
    }
  }

  // gives merge e (not yet in the table, its pair in no slot) a slot, growing the table when it is half full
  private insert(e: number): void {
    const pairs = this.pairs;
    const a = pairs[3 * e];
    const b = pairs[3 * e + 1];
    if (this.size * 2 >= this.mask) this.grow();
    const { slots, mask } = this;
    const h = hash(a, b);
    const tag = h & TAG;
    let i = h & mask;
    for (let v = slots[i]; v !== 0; v = slots[i]) {
      // a pair already in the table keeps its first (best-ranked) merge
      if ((v & TAG) === tag) {
        const f = (v & ENTRY) - 1;
        if (pairs[3 * f] === a && pairs[3 * f + 1] === b) return;
      }
      i = (i + 1) & mask;
    }
    slots[i] = tag | (e + 1);
    this.size++;
  }

  // the merge list as the table's own arrays, with room for n merges
  private own(n: number): void {
    const capacity = Math.max(2 * n, 16);
    const pairs = new Int32Array(3 * capacity);
    pairs.set(this.pairs.subarray(0, 3 * Math.min(this.entries, this.pairs.length / 3)));
    const ranks = new Int32Array(capacity);
    if (this.ranks) ranks.set(this.ranks.subarray(0, Math.min(this.entries, this.ranks.length)));
    else for (let e = 0; e < n; e++) ranks[e] = e;
    this.pairs = pairs;
    this.ranks = ranks;
    this.borrowed = false;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.slots.length - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i++) if (old[i] !== 0) this.insert((old[i] & ENTRY) - 1);
  }
}

// fromTriples: merges per call of its loops (functions the engine optimizes once for every load), and the size of
// a region of the table (2^REGION_BITS slots: 4 kB)
const CHUNK = 8192;
const REGION_BITS = 10;

// merges [from, to), counted by the region their probe starts in (in starts[region + 1])
function countRegions(triples: Int32Array, starts: Int32Array, mask: number, shift: number, from: number, to: number): void {
  for (let e = from; e < to; e++) starts[((hash(triples[3 * e], triples[3 * e + 1]) & mask) >>> shift) + 1]++;
}

// merges [from, to) as (hash, merge) at their region's next place in byRegion (starts: each region's next place)
function scatterRange(triples: Int32Array, starts: Int32Array, byRegion: Int32Array, mask: number, shift: number, from: number, to: number): void {
  for (let e = from; e < to; e++) {
    const h = hash(triples[3 * e], triples[3 * e + 1]);
    const at = starts[(h & mask) >>> shift]++;
    byRegion[2 * at] = h;
    byRegion[2 * at + 1] = e;
  }
}

// inserts byRegion's merges [from, to) (as PairMergeTable.insert, in a table that never grows); returns how many
// took a slot (a pair already there keeps its first, best-ranked merge)
function insertRange(slots: Int32Array, mask: number, pairs: Int32Array, byRegion: Int32Array, from: number, to: number): number {
  let added = 0;
  for (let j = from; j < to; j++) {
    const h = byRegion[2 * j];
    const e = byRegion[2 * j + 1];
    const tag = h & TAG;
    let i = h & mask;
    let v = slots[i];
    for (; v !== 0; v = slots[i]) {
      if ((v & TAG) === tag) {
        const f = (v & ENTRY) - 1;
        if (pairs[3 * f] === pairs[3 * e] && pairs[3 * f + 1] === pairs[3 * e + 1]) break;
      }
      i = (i + 1) & mask;
    }
    if (v === 0) {
      slots[i] = tag | (e + 1);
      added++;
    }
  }
  return added;
}

// the low 24 bits of a slot: merge number + 1; the high 8: the top of the pair's hash
const ENTRY = 0xffffff;
const TAG = ~ENTRY;

// the smallest power of two at least twice n (a table at most half full)
function capacityFor(n: number): number {
  let capacity = 16;
  while (capacity < n * 2) capacity *= 2;
  return capacity;
}

function hash(a: number, b: number): number {
  const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
  return h ^ (h >>> 15);
}
