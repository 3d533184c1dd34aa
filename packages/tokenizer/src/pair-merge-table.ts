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
 * console.log(table.merged[slot], table.find(11, 10)); // 42 -1
 * ```
 */
export class PairMergeTable {
  left: Int32Array;
  right: Int32Array;
  merged: Int32Array;
  rank: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.left = new Int32Array(capacity).fill(-1);
    this.right = new Int32Array(capacity);
    this.merged = new Int32Array(capacity);
    this.rank = new Int32Array(capacity);
  }

  /**
   * A table of merges given as `[left, right, merged]` id triples in priority order (rank = position).
   *
   * @example
   * ```ts
   * // an internal helper (not exported by the package), imported here from its source file
   * import { PairMergeTable } from './packages/tokenizer/src/pair-merge-table';
   * const table = PairMergeTable.fromTriples(Int32Array.of(10, 11, 42));
   * console.log(table.merged[table.find(10, 11)]); // 42
   * ```
   */
  static fromTriples(triples: Int32Array): PairMergeTable {
    const table = new PairMergeTable(triples.length / 3);
    for (let k = 0; k + 2 < triples.length; k += 3) table.add(triples[k], triples[k + 1], triples[k + 2], k / 3);
    return table;
  }

  /** Adds a merge unless the pair is already there (the first, best-ranked one wins). @example table.add(a, b, ab, rank); */
  add(a: number, b: number, merged: number, rank: number): void {
    if (this.size * 2 >= this.mask) this.grow();
    let slot = hash(a, b) & this.mask;
    while (this.left[slot] !== -1) {
      if (this.left[slot] === a && this.right[slot] === b) return;
      slot = (slot + 1) & this.mask;
    }
    this.left[slot] = a;
    this.right[slot] = b;
    this.merged[slot] = merged;
    this.rank[slot] = rank;
    this.size++;
  }

  /** The slot of pair (a, b), or -1. @example const slot = table.find(a, b); */
  find(a: number, b: number): number {
    const left = this.left;
    let slot = hash(a, b) & this.mask;
    for (;;) {
      const l = left[slot];
      if (l === -1) return -1; // empty slot; checked first so a negative id never matches one
      if (l === a && this.right[slot] === b) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const { left, right, merged, rank } = this;
    const capacity = (this.mask + 1) * 2;
    this.mask = capacity - 1;
    this.left = new Int32Array(capacity).fill(-1);
    this.right = new Int32Array(capacity);
    this.merged = new Int32Array(capacity);
    this.rank = new Int32Array(capacity);
    this.size = 0;
    for (let i = 0; i < left.length; i++) if (left[i] !== -1) this.add(left[i], right[i], merged[i], rank[i]);
  }
}

function hash(a: number, b: number): number {
  const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
  return (h ^ (h >>> 15)) >>> 0;
}
