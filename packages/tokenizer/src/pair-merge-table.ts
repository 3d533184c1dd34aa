import { TokenizerFormatError } from './tokenizer-error';

/**
 * Open-addressing hash table from a pair of token ids to the id they merge into and the merge's priority
 * (lower merges first). Keyed on ids, not strings, so the inner BPE loop never builds a string.
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
  /** Slot i (a multiple of 4) holds [left, right, merged, rank]; left is -1 in an empty slot. */
  data: Int32Array;
  private mask: number;
  size = 0;
  // what addBatch read, kept so the reads are not optimized away
  private touched = 0;

  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.mask = capacity - 1;
    // NOTE: one array with the four fields side by side: a probe touches one cache line, not four arrays
    this.data = new Int32Array(4 * capacity).fill(-1);
  }

  /** The id a found pair merges into. @example const merged = table.mergedAt(table.find(a, b)); */
  mergedAt(slot: number): number {
    return this.data[slot + 2];
  }

  /** The priority of a found pair (lower merges first). @example const rank = table.rankAt(table.find(a, b)); */
  rankAt(slot: number): number {
    return this.data[slot + 3];
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
    const table = new PairMergeTable(n);
    // NOTE: a table of 515k merges (Gemma 3) is 16 MB, and each insert a trip to memory: the lines a batch of
    // inserts starts at are read first, together, so that their trips overlap (measured: about twice as fast)
    for (let r = 0; r < n; r += TOUCH) table.addBatch(triples, r, Math.min(n, r + TOUCH));
    return table;
  }

  // adds triples [from, to) (ranks = their positions), after reading the lines their probes start at
  private addBatch(triples: Int32Array, from: number, to: number): void {
    const data = this.data;
    const mask = this.mask;
    let x = 0;
    for (let r = from; r < to; r++) x |= data[(hash(triples[3 * r], triples[3 * r + 1]) & mask) << 2];
    this.touched ^= x;
    for (let r = from; r < to; r++) this.add(triples[3 * r], triples[3 * r + 1], triples[3 * r + 2], r);
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
    if (this.size * 2 >= this.mask) this.grow();
    const data = this.data;
    const wrap = (this.mask << 2) | 3;
    let slot = (hash(a, b) & this.mask) << 2;
    while (data[slot] !== -1) {
      if (data[slot] === a && data[slot + 1] === b) return;
      slot = (slot + 4) & wrap;
    }
    data[slot] = a;
    data[slot + 1] = b;
    data[slot + 2] = merged;
    data[slot + 3] = rank;
    this.size++;
  }

  /** The slot of pair (a, b), or -1. @example const slot = table.find(a, b); */
  find(a: number, b: number): number {
    const data = this.data;
    const wrap = (this.mask << 2) | 3;
    let slot = (hash(a, b) & this.mask) << 2;
    for (;;) {
      const l = data[slot];
      if (l === -1) return -1; // empty slot; checked first so a negative id never matches one
      if (l === a && data[slot + 1] === b) return slot;
      slot = (slot + 4) & wrap;
    }
  }

  private grow(): void {
    const old = this.data;
    const capacity = (this.mask + 1) * 2;
    this.mask = capacity - 1;
    this.data = new Int32Array(4 * capacity).fill(-1);
    this.size = 0;
    for (let i = 0; i < old.length; i += 4) if (old[i] !== -1) this.add(old[i], old[i + 1], old[i + 2], old[i + 3]);
  }
}

// merges whose table lines are read together before they are added
const TOUCH = 32;

function hash(a: number, b: number): number {
  const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
  return (h ^ (h >>> 15)) >>> 0;
}
