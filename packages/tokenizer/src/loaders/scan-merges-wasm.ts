// `model.vocab` and `model.merges` read by the WebAssembly module (wasm/tokenizer-json.wat), for a large file.
// The vocabulary is measured (wasm/measure-object.wat, in a small memory of its own), then read into a memory made
// to its size, where its arena, offsets, ids and index table stay as the tokenizer's (views: nothing is copied
// out), its index built there; the merges are read and resolved against it, batches of 64 per call: each batch
// parsed, the index lines its sides start at read together (their trips to memory overlap), then each merge
// resolved. The module reads the file through a 512 kB window. An entry or a merge it does not read itself it
// hands back, and the JavaScript reader (VocabReader.entries, MergeReader.one) reads it from the file: so every
// error, and every fallback to JSON.parse, is the JavaScript reader's.
// NOTE: measured on Gemma 3 (262k keys, 515k merges, 33 MB): about two thirds of the JavaScript readers' CPU time.
// The file is not copied whole: a load's new ArrayBuffer memory past 64 MB (a module's memory counts) starts a
// full garbage collection. The memory is made at its size and never grown: growing detaches the old buffer, and
// the first detached buffer makes the engine check every typed array access of the process for one.
import { KeyIndex, indexCapacity } from './key-index';
import { measureObjectWasmHex } from './wasm/measure-object-wasm';
import { tokenizerJsonWasmHex } from './wasm/tokenizer-json-wasm';

/** The JavaScript reader's side of the exchange (MergeReader). */
export interface OneMergeReader {
  one(p: number, j: number, last: number): number;
  readonly triple: Int32Array;
  readonly done: boolean;
}

/** The JavaScript vocabulary reader's side (VocabReader): its state, and the entries the module hands back. */
export interface VocabEntriesReader {
  count: number;
  /** Bytes in the arena. */
  used: number;
  chars: number;
  done: boolean;
  entries(p: number, batch: number): number;
}

interface MergesExports {
  chars: WebAssembly.Global;
  vused: WebAssembly.Global;
  setupVocab(arena: number, starts: number, charStarts: number, hashes: number, ids: number): void;
  resumeVocab(p: number, limit: number, count: number, used: number, chars: number): void;
  vocab(entries: number): number;
  index(count: number): number;
  p: WebAssembly.Global;
  count: WebAssembly.Global;
  last: WebAssembly.Global;
  setup(table: number, mask: number, arena: number, starts: number, keys: number, recs: number, scratchEnd: number, out: number, cap: number): void;
  resume(p: number, limit: number, count: number, last: number): void;
  merges(batches: number): number;
}

// the window onto the file, and how far before its end a merge is not begun (a longer one goes to JavaScript)
const WINDOW = 1 << 19;
const MARGIN = 1 << 12;
// a batch's records (64 of 64 bytes) and scratch for sides decoded from escapes (a longer side goes to JavaScript)
const RECS = 4096;
const SCRATCH = 1 << 16;
// merges per emptying of the output
const OUT = 1 << 15;
// batches (of 64 merges) per call (so that the engine's optimizing tier, which starts on a later call, takes over)
const BATCHES = 64;
const PAGE = 1 << 16;

interface MeasureExports {
  p: WebAssembly.Global;
  strings: WebAssembly.Global;
  bytes: WebAssembly.Global;
  resume(p: number, limit: number): void;
  measure(): number;
}

let compiled: WebAssembly.Module | null | undefined;

function mergesModule(): WebAssembly.Module | null {
  return compiled === undefined ? (compiled = compileHex(tokenizerJsonWasmHex)) : compiled;
}

// the module whose bytes `hex` holds, or null
function compileHex(hex: string): WebAssembly.Module | null {
  try {
    const bytes = new Uint8Array(hex.length >> 1);
    // '0'–'9' → 0–9, 'a'–'f' → 10–15
    const nibble = (c: number) => (c & 15) + (c >> 6) * 9;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
    return new WebAssembly.Module(bytes);
  } catch {
    // NOTE: no WebAssembly, or an engine that refuses to compile synchronously: the JavaScript reader
    return null;
  }
}

const align = (n: number) => (n + 15) & ~15;

/** What {@link measureObject} returns when the engine has no WebAssembly (or refused the module). */
export const unavailable = Symbol('no WebAssembly');

// the window onto b at windowAt in heap: `move(p)` goes on from p, in the window when p is before its limit
// (unless `past`), else with the window moved to p (then zeros, which every loop of the module stops at), and
// calls `resume` with p and the limit in the module's memory; `file` maps a place in the window back to the file
function windowOnto(b: Uint8Array, heap: Uint8Array, windowAt: number, resume: (at: number, limit: number) => void) {
  let base = -1;
  let limit = 0;
  return {
    move(at: number, past = false): void {
      if (past || base < 0 || at < base || windowAt + at - base >= limit) {
        base = at;
        const n = Math.min(WINDOW, b.length - at);
        heap.set(b.subarray(at, at + n), windowAt);
        heap.fill(0, windowAt + n, windowAt + n + 16);
        limit = at + n === b.length ? windowAt + n : windowAt + n - MARGIN;
      }
      resume(windowAt + at - base, limit);
    },
    file: (p: number) => base + p - windowAt,
    start: () => base,
  };
}

// the instance measureObject runs (wasm/measure-object.wat), in a memory of its own that holds only the window:
// made once and kept (a call leaves nothing in it that the next one reads), so that a load does not make one
let measurer: { memory: WebAssembly.Memory; wasm: MeasureExports } | null | undefined;

function measuring(): { memory: WebAssembly.Memory; wasm: MeasureExports } | null {
  if (measurer === undefined) {
    const module = compileHex(measureObjectWasmHex);
    measurer = null;
    if (module) {
      try {
        const memory = new WebAssembly.Memory({ initial: Math.ceil((WINDOW + 32) / PAGE) });
        measurer = { memory, wasm: new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as MeasureExports };
      } catch {
        // NOTE: an engine that refuses the memory or the instance: the JavaScript measure
      }
    }
  }
  return measurer;
}

/**
 * The number of strings in the object whose `{` is at `start` and their bytes as written (scan-vocab.ts's
 * measure, which `rest` is: it goes on from a string the module hands back), or undefined when it nests or does
 * not end; {@link unavailable} without WebAssembly. The module reads the file through a window, in a small memory
 * of its own (the vocabulary's space is made to the size this gives).
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { measureObject } from './packages/tokenizer/src/loaders/scan-merges-wasm';
 * console.log(measureObject(new TextEncoder().encode('{"a": 1, "b\\"": 2}'), 0, () => undefined)); // { strings: 2, bytes: 4 }
 * ```
 */
export function measureObject(
  b: Uint8Array,
  start: number,
  rest: (p: number, strings: number, bytes: number) => { strings: number; bytes: number } | undefined,
): { strings: number; bytes: number } | undefined | typeof unavailable {
  const measurer = measuring();
  if (!measurer) return unavailable;
  const { memory, wasm } = measurer;
  wasm.strings.value = 0;
  wasm.bytes.value = 0;
  const window = windowOnto(b, new Uint8Array(memory.buffer), 0, (at, limit) => wasm.resume(at, limit));
  window.move(start + 1);
  for (;;) {
    const status = wasm.measure();
    const at = window.file(wasm.p.value as number);
    if (status === 0) return { strings: wasm.strings.value as number, bytes: wasm.bytes.value as number };
    if (status === 4 || (status === 2 && at > window.start())) {
      // past the limit, or a string that runs past the window: the window moves (no closing brace at the end)
      if (at >= b.length) return undefined;
      window.move(at, true);
    } else if (status === 2) return rest(at, wasm.strings.value as number, wasm.bytes.value as number);
    else return undefined;
  }
}

/**
 * The WebAssembly reader's memory for one file: room for a vocabulary of `keys` keys of `bytes` bytes (the arrays
 * the JavaScript vocabulary reader fills, and the index's table), and for reading the merges against it.
 *
 * @example
 * ```ts
 * // internal helpers (not exported by the package), imported here from their source files
 * import { scanVocab } from './packages/tokenizer/src/loaders/scan-vocab';
 * import { MergeReader } from './packages/tokenizer/src/loaders/scan-merges';
 * const bytes = new TextEncoder().encode('{"a": 0, "b": 1, "ab": 2, "\\n": 3, "ab\\n": 4} [["a", "b"], "ab \\n"]');
 * const vocab = scanVocab(bytes, 0)!;
 * const read = vocab.space?.read(bytes, vocab.end + 1, vocab.index, new MergeReader(bytes, vocab.index, vocab.ids, 1));
 * console.log(read?.merges); // Int32Array(6) [ 0, 1, 2, 2, 3, 4 ] (undefined without WebAssembly)
 * ```
 */
export class MergesSpace {
  readonly arena: Uint8Array<ArrayBuffer>;
  readonly starts: Int32Array<ArrayBuffer>;
  readonly charStarts: Int32Array<ArrayBuffer>;
  readonly ids: Int32Array<ArrayBuffer>;
  readonly hashes: Int32Array<ArrayBuffer>;
  readonly table: Int32Array<ArrayBuffer>;
  private readonly windowAt: number;
  private readonly recsAt: number;
  private readonly outAt: number;

  private readonly wasm: MergesExports;
  private readonly memory: WebAssembly.Memory;

  private constructor(module: WebAssembly.Module, keys: number, bytes: number) {
    const tableBytes = 16 * indexCapacity(keys);
    const arenaAt = align(tableBytes);
    const startsAt = align(arenaAt + bytes + 16);
    const charStartsAt = align(startsAt + 4 * (keys + 1));
    const idsAt = align(charStartsAt + 4 * (keys + 1));
    this.windowAt = align(idsAt + 4 * keys + 16);
    this.recsAt = align(this.windowAt + WINDOW + 16);
    this.outAt = align(this.recsAt + RECS + SCRATCH + 16);
    const hashesAt = align(this.outAt + 12 * OUT);
    const end = hashesAt + 4 * keys;
    // NOTE: made at its size, never grown (see tokenizer-json.wat)
    const memory = (this.memory = new WebAssembly.Memory({ initial: Math.ceil(end / PAGE) }));
    this.wasm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as MergesExports;
    const buffer = memory.buffer;
    this.table = new Int32Array(buffer, 0, tableBytes >> 2);
    this.arena = new Uint8Array(buffer, arenaAt, bytes);
    this.starts = new Int32Array(buffer, startsAt, keys + 1);
    this.charStarts = new Int32Array(buffer, charStartsAt, keys + 1);
    this.ids = new Int32Array(buffer, idsAt, keys);
    this.hashes = new Int32Array(buffer, hashesAt, keys);
  }

  /** A space for a vocabulary of `keys` keys of `bytes` bytes, or undefined without WebAssembly (or such a memory). */
  static open(keys: number, bytes: number): MergesSpace | undefined {
    const module = mergesModule();
    if (!module) return undefined;
    try {
      return new MergesSpace(module, keys, bytes);
    } catch {
      // NOTE: a memory the engine will not make (past 4 GB, or out of memory): the JavaScript reader
      return undefined;
    }
  }

  /**
   * Reads the entries of the `model.vocab` object from p (at its first key) into this space's arrays, with `reader`
   * (whose arrays they are) taking the entries handed back; returns the index past the closing brace, or -1 where
   * the JavaScript reader gives up.
   */
  readVocab(b: Uint8Array, p: number, reader: VocabEntriesReader): number {
    const { wasm } = this;
    const arenaAt = this.arena.byteOffset;
    wasm.setupVocab(arenaAt, this.starts.byteOffset, this.charStarts.byteOffset, this.hashes.byteOffset, this.ids.byteOffset);
    const window = this.window(b, (at, limit) => wasm.resumeVocab(at, limit, reader.count, arenaAt + reader.used, reader.chars));
    window.move(p);
    for (;;) {
      const status = wasm.vocab(1024);
      reader.count = wasm.count.value as number;
      reader.used = (wasm.vused.value as number) - arenaAt;
      reader.chars = wasm.chars.value as number;
      const at = window.file(wasm.p.value as number);
      if (status === 1) continue;
      if (status === 0) {
        reader.done = true;
        return at;
      }
      if (status === 4) window.move(at, true);
      else {
        // an entry for the JavaScript reader, which reads it from the file (or gives up)
        const next = reader.entries(at, 1);
        if (next < 0 || reader.done) return next;
        window.move(next);
      }
    }
  }

  /**
   * The {@link KeyIndex} of the `count` keys read into this space (its arena, starts and hashes), built by the
   * module in this space's table.
   */
  index(count: number): KeyIndex {
    this.wasm.setup(0, indexCapacity(count) - 1, this.arena.byteOffset, this.starts.byteOffset, count, this.recsAt, this.recsAt + RECS + SCRATCH, this.outAt, OUT);
    return new KeyIndex(this.arena, this.starts, this.hashes, count, this.table, this.wasm.index(count));
  }

  private window(b: Uint8Array, resume: (at: number, limit: number) => void) {
    return windowOnto(b, new Uint8Array(this.memory.buffer), this.windowAt, resume);
  }

  /**
   * Reads the `model.merges` array whose `[` is at `start` as [left, right, merged] key numbers of the vocabulary
   * indexed by `index` (whose arrays are this space's), with `reader` taking the merges handed back; undefined
   * where the JavaScript reader returns undefined.
   */
  read(b: Uint8Array, start: number, index: KeyIndex, reader: OneMergeReader): { merges: Int32Array; end: number } | undefined {
    const { wasm, memory, outAt } = this;
    let p = start + 1;
    for (let c = b[p]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++p]);
    if (b[p] === 0x5d) return { merges: new Int32Array(0), end: p + 1 };
    const out = new Int32Array(memory.buffer, outAt, 3 * OUT);
    wasm.setup(0, index.mask, this.arena.byteOffset, this.starts.byteOffset, index.count, this.recsAt, this.recsAt + RECS + SCRATCH, outAt, OUT);
    // the merges so far, and the file's offset at the window's start
    let merges = new Int32Array(3 * Math.max(1024, (b.length >> 6) | 0));
    let done = 0;
    let count = 0;
    let last = -1;
    const flush = () => {
      if (3 * (done + count) > merges.length) {
        const grown = new Int32Array(Math.max(2 * merges.length, 3 * (done + count)));
        grown.set(merges.subarray(0, 3 * done));
        merges = grown;
      }
      merges.set(out.subarray(0, 3 * count), 3 * done);
      done += count;
      count = 0;
    };
    const window = this.window(b, (at, limit) => wasm.resume(at, limit, count, last));
    window.move(p);
    for (;;) {
      const status = wasm.merges(BATCHES);
      count = wasm.count.value as number;
      last = wasm.last.value as number;
      const at = window.file(wasm.p.value as number);
      if (status === 1) continue;
      if (status === 0) {
        flush();
        return { merges: merges.subarray(0, 3 * done), end: at };
      }
      if (status === 3) {
        flush();
        window.move(at);
      } else if (status === 4) {
        window.move(at, true);
      } else {
        // a merge for the JavaScript reader, which reads it from the file (or names its error, or gives up)
        const next = reader.one(at, done + count, last);
        if (next < 0) return undefined;
        const triple = reader.triple;
        out.set(triple.subarray(0, 3), 3 * count);
        count++;
        last = triple[2];
        if (reader.done) {
          flush();
          return { merges: merges.subarray(0, 3 * done), end: next };
        }
        window.move(next);
      }
    }
  }
}
