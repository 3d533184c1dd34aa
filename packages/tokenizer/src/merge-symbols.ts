import type { PairMergeTable } from './pair-merge-table';

// NOTE: below this many symbols a linear scan for the best pair beats a heap (most words are short).
const SHORT = 48;

/**
 * Runs BPE over `ids[0..n)` in place: repeatedly merges the adjacent pair with the lowest rank, the leftmost
 * one on a tie (what tiktoken, Hugging Face, llama.cpp and llama2.c all do), and returns the new length.
 * When `starts` is given it receives, for each surviving symbol, the index of the first input symbol it covers.
 *
 * @example
 * ```ts
 * // internal helpers (not exported by the package), imported here from their source files
 * import { mergeSymbols } from './packages/tokenizer/src/merge-symbols';
 * import { PairMergeTable } from './packages/tokenizer/src/pair-merge-table';
 * // symbols a=0 b=1 c=2; merges: a+b → ab=3 (rank 0), ab+c → abc=4 (rank 1)
 * const table = new PairMergeTable(2);
 * table.add(0, 1, 3, 0);
 * table.add(3, 2, 4, 1);
 * const ids = Int32Array.from([0, 1, 2, 0, 1]); // a b c a b
 * const n = mergeSymbols(ids, ids.length, table);
 * console.log(Array.from(ids.subarray(0, n))); // [ 4, 3 ]  (abc ab)
 * ```
 */
export function mergeSymbols(ids: Int32Array, n: number, table: PairMergeTable, starts?: Int32Array): number {
  if (n < 2) {
    if (starts && n === 1) starts[0] = 0;
    return n;
  }
  return n <= SHORT && !starts ? mergeShort(ids, n, table) : mergeLong(ids, n, table, starts);
}

const pairRanks = new Int32Array(SHORT);
const pairSlots = new Int32Array(SHORT);

function mergeShort(ids: Int32Array, n: number, table: PairMergeTable): number {
  for (let i = 0; i < n - 1; i++) {
    const slot = table.find(ids[i], ids[i + 1]);
    pairSlots[i] = slot;
    pairRanks[i] = slot < 0 ? 0x7fffffff : table.rankAt(slot);
  }
  for (;;) {
    let best = 0x7fffffff;
    let at = -1;
    for (let i = 0; i < n - 1; i++) {
      if (pairRanks[i] < best) {
        best = pairRanks[i];
        at = i;
      }
    }
    if (at < 0) return n;
    ids[at] = table.mergedAt(pairSlots[at]);
    for (let i = at + 1; i < n - 1; i++) {
      ids[i] = ids[i + 1];
      pairRanks[i] = pairRanks[i + 1];
      pairSlots[i] = pairSlots[i + 1];
    }
    n--;
    if (at > 0) update(table, ids, at - 1);
    if (at < n - 1) update(table, ids, at);
  }
}

function update(table: PairMergeTable, ids: Int32Array, i: number): void {
  const slot = table.find(ids[i], ids[i + 1]);
  pairSlots[i] = slot;
  pairRanks[i] = slot < 0 ? 0x7fffffff : table.rankAt(slot);
}

function mergeLong(ids: Int32Array, n: number, table: PairMergeTable, starts?: Int32Array): number {
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  const heap = new MinHeap(n);
  for (let i = 0; i < n - 1; i++) {
    const slot = table.find(ids[i], ids[i + 1]);
    if (slot >= 0) heap.push(table.rankAt(slot), i);
  }
  while (heap.size > 0) {
    const rank = heap.topRank();
    const p = heap.pop();
    const q = next[p];
    // NOTE: entries go stale when a neighbour merges; an entry is still good iff the pair now at p has its rank
    if (q < 0 || prev[p] === -2) continue;
    const slot = table.find(ids[p], ids[q]);
    if (slot < 0 || table.rankAt(slot) !== rank) continue;
    ids[p] = table.mergedAt(slot);
    prev[q] = -2; // dead
    const r = next[q];
    next[p] = r;
    if (r >= 0) prev[r] = p;
    const l = prev[p];
    if (l >= 0) {
      const s = table.find(ids[l], ids[p]);
      if (s >= 0) heap.push(table.rankAt(s), l);
    }
    if (r >= 0) {
      const s = table.find(ids[p], ids[r]);
      if (s >= 0) heap.push(table.rankAt(s), p);
    }
  }
  let m = 0;
  for (let i = 0; i >= 0; i = next[i]) {
    if (starts) starts[m] = i;
    ids[m++] = ids[i];
  }
  return m;
}

/** Binary heap of (rank, position), ordered by rank then position so ties go to the leftmost pair. */
class MinHeap {
  private ranks: Int32Array;
  private positions: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.ranks = new Int32Array(Math.max(16, capacity));
    this.positions = new Int32Array(Math.max(16, capacity));
  }

  topRank(): number {
    return this.ranks[0];
  }

  push(rank: number, pos: number): void {
    if (this.size === this.ranks.length) {
      const r = new Int32Array(this.size * 2);
      r.set(this.ranks);
      this.ranks = r;
      const p = new Int32Array(this.size * 2);
      p.set(this.positions);
      this.positions = p;
    }
    const ranks = this.ranks;
    const positions = this.positions;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (ranks[parent] < rank || (ranks[parent] === rank && positions[parent] < pos)) break;
      ranks[i] = ranks[parent];
      positions[i] = positions[parent];
      i = parent;
    }
    ranks[i] = rank;
    positions[i] = pos;
  }

  pop(): number {
    const ranks = this.ranks;
    const positions = this.positions;
    const top = positions[0];
    const n = --this.size;
    const rank = ranks[n];
    const pos = positions[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (ranks[c + 1] < ranks[c] || (ranks[c + 1] === ranks[c] && positions[c + 1] < positions[c]))) c++;
      if (rank < ranks[c] || (rank === ranks[c] && pos < positions[c])) break;
      ranks[i] = ranks[c];
      positions[i] = positions[c];
      i = c;
    }
    ranks[i] = rank;
    positions[i] = pos;
    return top;
  }
}
