// Byte-level BPE (GPT-2, GPT-3/4's cl100k, GPT-4o's o200k, and Hugging Face BPE with a ByteLevel
// pre-tokenizer). Text is split into pieces by a regex, each piece becomes UTF-8 bytes, the bytes become their
// single-byte tokens, and adjacent tokens merge by rank until no pair is in the table. Every byte has a token,
// so there is no unknown token and any text round-trips.
import { byteLevelAlphabet, byteLevelToBytes } from './byte-level-alphabet';
import { gpt2Pretokenize } from './gpt2-pretokenize';
import { mergeSymbols } from './merge-symbols';
import { PairMergeTable } from './pair-merge-table';
import { normalizeWithOffsets, type UnicodeNormalization } from './normalize-with-offsets';
import { pretokenizerRegExp, type PretokenizerPattern } from './pretokenizer-patterns';
import { SpecialTokenSplitter } from './special-token-splitter';
import { splitPieces, type SplitRule } from './split-pretokenizer';
import { PipelineTokenizer, type RunContext } from './pipeline-tokenizer';
import type { DecodeOptions, SpecialTokenIds } from './tokenizer';
import { TokenizerFormatError, idOutOfRange } from './tokenizer-error';
import { byteSpansToOffsets, encodeUtf8Into } from './utf8';

/**
 * What a byte-level BPE is made of; the loaders (`loadGpt2Files`, `loadTiktokenRanks`, `loadTokenizerJson`,
 * `loadGgufTokenizer`) build it from files.
 *
 * @example
 * ```ts
 * import { ByteLevelBpe, byteLevelAlphabet } from '@transformer-kit/tokenizer';
 * // every byte needs a token: the 256 single-byte tokens, then the merged ones
 * const vocab: Record<string, number> = {};
 * byteLevelAlphabet().byteToChar.forEach((c, b) => (vocab[c] = b));
 * vocab['ab'] = 256;
 * const bpe = new ByteLevelBpe({ vocab, merges: [['a', 'b']] });
 * console.log(bpe.encode('abc')); // [ 256, 99 ]
 * ```
 */
export interface ByteLevelBpeOptions {
  /** Token (in the byte-level spelling: `Ġthe`) → id. A Map is kept as given, not copied: do not change it afterwards. */
  vocab: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  /**
   * Merges in priority order (`vocab.bpe` / `merges.txt`). Without them the ranks are the ids themselves and
   * a pair merges when its concatenation is a token, which is how tiktoken's rank files work.
   */
  merges?: ReadonlyArray<readonly [string, string]>;
  /** Merges already resolved to `[left, right, merged]` id triples, in priority order; wins over `merges`. The merge table keeps this array (it is not copied): leave it unchanged. */
  mergeIds?: Int32Array;
  /** Pre-tokenizer: `'gpt2'` (default), `'cl100k'`, `'o200k'` or a regex (an `Isolated` split). */
  pattern?: PretokenizerPattern;
  /** Pre-tokenizer as a sequence of Hugging Face `Split` steps (or llama.cpp's regex lists); wins over `pattern`. */
  splits?: readonly SplitRule[];
  /** Unicode normalization applied to ordinary text before pre-tokenizing (a tokenizer.json `NFC` normalizer). */
  normalization?: UnicodeNormalization;
  /** A piece that is itself a token becomes that token without merging (Hugging Face BPE `ignore_merges`, Llama 3). */
  ignoreMerges?: boolean;
  /** Special tokens matched in text (when allowed) and decoded as their literal text: `{ '<|endoftext|>': 50256 }`. */
  specialTokens?: Readonly<Record<string, number>>;
  /** Added tokens that are not special (Qwen's `<think>`): matched in every text, whatever `allowedSpecial` says. */
  addedTokens?: Readonly<Record<string, number>>;
  specialTokenIds?: SpecialTokenIds;
  /** Prepend a space to the text, as Hugging Face's ByteLevel pre-tokenizer with `add_prefix_space`. */
  addPrefixSpace?: boolean;
  /** Ids added around a sequence when `addSpecialTokens` is on (a post-processor's template). Default none. */
  prefixIds?: readonly number[];
  suffixIds?: readonly number[];
  /** What the vocabulary came from, for error messages. */
  fileKind?: string;
}

const CACHE_LIMIT = 100_000;

/**
 * A byte-level BPE tokenizer (GPT-2 family).
 *
 * @example
 * ```ts
 * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
 * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
 * console.log(gpt2.encode('Hello world')); // [ 15496, 995 ]
 * ```
 */
export class ByteLevelBpe extends PipelineTokenizer {
  readonly kind = 'byte-level-bpe' as const;
  readonly vocabSize: number;
  private readonly vocab: ReadonlyMap<string, number>;
  private readonly tokens: (string | undefined)[] = [];
  private readonly special: Map<string, number>;
  private readonly added: Map<string, number>;
  private readonly specialIds = new Set<number>();
  protected readonly splitter: SpecialTokenSplitter;
  private readonly isGpt2Pattern: boolean;
  private table: PairMergeTable | undefined;
  private byteIds: Int32Array | undefined;
  private bytesById: (Uint8Array | undefined)[] | undefined;
  private regex: RegExp | undefined;
  private cache = new Map<string, number | Int32Array>();
  private scratchBytes = new Uint8Array(256);
  private scratchIds = new Int32Array(256);

  constructor(private readonly options: ByteLevelBpeOptions) {
    super(options.specialTokenIds ?? {});
    // NOTE: not copied: a 128k-token vocabulary (Llama 3) would be hashed twice on every load
    this.vocab = options.vocab instanceof Map ? options.vocab : new Map(Object.entries(options.vocab));
    this.special = new Map(Object.entries(options.specialTokens ?? {}));
    this.added = new Map(Object.entries(options.addedTokens ?? {}));
    let size = 0;
    for (const [token, id] of this.vocab) {
      this.tokens[id] = token;
      if (id >= size) size = id + 1;
    }
    for (const [token, id] of this.special) {
      this.specialIds.add(id);
      this.tokens[id] ??= token;
      if (id >= size) size = id + 1;
    }
    for (const [token, id] of this.added) {
      this.tokens[id] ??= token;
      if (id >= size) size = id + 1;
    }
    this.vocabSize = size;
    this.splitter = new SpecialTokenSplitter(this.special, this.added);
    const pattern = options.pattern ?? 'gpt2';
    this.isGpt2Pattern = pattern === 'gpt2' && options.splits === undefined;
  }

  /**
   * The id of a token in the vocabulary's spelling, or undefined.
   *
   * @example
   * ```ts
   * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
   * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
   * console.log(gpt2.tokenToId('Ġworld'), gpt2.tokenToId('no such token')); // 995 undefined
   * ```
   */
  tokenToId(token: string): number | undefined {
    return this.vocab.get(token) ?? this.special.get(token) ?? this.added.get(token);
  }

  /**
   * The UTF-8 bytes a token contributes to decoded text.
   *
   * @example
   * ```ts
   * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
   * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
   * console.log(gpt2.tokenBytes(995, undefined)); // Uint8Array(6) [ 32, 119, 111, 114, 108, 100 ]  (' world')
   * ```
   */
  tokenBytes(id: number, _previousId: number | undefined, options: DecodeOptions = {}): Uint8Array {
    const table = (this.bytesById ??= this.buildBytesTable());
    const bytes = Number.isInteger(id) ? table[id] : undefined;
    if (bytes === undefined) throw idOutOfRange(id, this.vocabSize);
    if (options.skipSpecialTokens && this.specialIds.has(id)) return EMPTY;
    return bytes;
  }

  protected frame() {
    return { prefix: this.options.prefixIds ?? [], suffix: this.options.suffixIds ?? [] };
  }

  protected token(id: number): string | undefined {
    return this.tokens[id];
  }

  // normalizer (NFC, if any) → pre-tokenizer (ByteLevel's prefix space, then the regex or Split steps) → BPE
  protected encodeRun(text: string, s: number, e: number, context: RunContext, out: number[], offsets: Array<[number, number]> | undefined) {
    if (context.first && this.options.addPrefixSpace && text.charCodeAt(s) !== 0x20) {
      // NOTE: offsets of the prefixed text are shifted back by one so they still index `text`
      const shifted = ' ' + text.slice(s, e);
      const local: Array<[number, number]> | undefined = offsets ? [] : undefined;
      this.encodeOrdinary(shifted, 0, shifted.length, out, local);
      if (offsets && local) for (const [a, b] of local) offsets.push([Math.max(s, s + a - 1), s + b - 1]);
    } else {
      this.encodeOrdinary(text, s, e, out, offsets);
    }
  }

  private encodeOrdinary(text: string, from: number, to: number, out: number[], offsets: Array<[number, number]> | undefined) {
    const form = this.options.normalization;
    if (form) {
      const n = normalizeWithOffsets(text.slice(from, to), form);
      if (n.text !== text.slice(from, to)) {
        const local: Array<[number, number]> | undefined = offsets ? [] : undefined;
        this.encodePieces(n.text, 0, n.text.length, out, local);
        if (offsets && local) for (const [a, b] of local) offsets.push([from + n.sourceStart(a), from + n.sourceEnd(b)]);
        return;
      }
    }
    this.encodePieces(text, from, to, out, offsets);
  }

  private encodePieces(text: string, from: number, to: number, out: number[], offsets: Array<[number, number]> | undefined) {
    this.table ??= this.buildMergeTable();
    const onPiece = (s: number, e: number) => {
      const piece = text.slice(s, e);
      let hit = this.cache.get(piece);
      if (hit === undefined) {
        hit = this.bpe(text, s, e);
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(piece, hit);
      }
      if (typeof hit === 'number') {
        out.push(hit);
        offsets?.push([s, e]);
        return;
      }
      for (let i = 0; i < hit.length; i++) out.push(hit[i]);
      if (offsets) {
        const lengths = Array.from(hit, (id) => this.tokenBytes(id, undefined).length);
        byteSpansToOffsets(text, s, e, lengths, offsets);
      }
    };
    if (this.isGpt2Pattern) {
      gpt2Pretokenize(text, from, to, onPiece);
      return;
    }
    if (this.options.splits) {
      splitPieces(text, from, to, this.options.splits, onPiece);
      return;
    }
    const re = (this.regex ??= pretokenizerRegExp(this.options.pattern ?? 'gpt2'));
    const slice = from === 0 && to === text.length ? text : text.slice(from, to);
    for (const m of slice.matchAll(re)) onPiece(from + m.index, from + m.index + m[0].length);
  }

  private bpe(text: string, s: number, e: number): number | Int32Array {
    if ((e - s) * 3 > this.scratchBytes.length) {
      this.scratchBytes = new Uint8Array((e - s) * 3 * 2);
      this.scratchIds = new Int32Array((e - s) * 3 * 2);
    }
    const bytes = this.scratchBytes;
    const ids = this.scratchIds;
    const n = encodeUtf8Into(text, s, e, bytes);
    if (this.options.ignoreMerges) {
      const whole = this.vocab.get(this.byteLevelSpelling(bytes, n));
      if (whole !== undefined) return whole;
    }
    const byteIds = this.byteIds!;
    for (let i = 0; i < n; i++) ids[i] = byteIds[bytes[i]];
    const m = mergeSymbols(ids, n, this.table!);
    return m === 1 ? ids[0] : ids.slice(0, m);
  }

  private byteLevelSpelling(bytes: Uint8Array, n: number): string {
    const { byteToChar } = byteLevelAlphabet();
    let s = '';
    for (let i = 0; i < n; i++) s += byteToChar[bytes[i]];
    return s;
  }

  private buildMergeTable(): PairMergeTable {
    const kind = this.options.fileKind ?? 'byte-level BPE';
    const { byteToChar } = byteLevelAlphabet();
    this.byteIds = new Int32Array(256);
    for (let b = 0; b < 256; b++) {
      const id = this.vocab.get(byteToChar[b]);
      if (id === undefined) throw new TokenizerFormatError(kind, `the vocabulary has no token for byte ${b} ('${byteToChar[b]}')`);
      this.byteIds[b] = id;
    }
    const triples = this.options.mergeIds;
    if (triples) return PairMergeTable.fromTriples(triples);
    if (this.options.merges) return PairMergeTable.fromPairs(this.options.merges, (t) => this.vocab.get(t), kind);
    // tiktoken ranks: a pair (a, b) merges with the rank of a+b, for every split of a token into two tokens
    return PairMergeTable.fromSplits(this.vocab, (id) => id);
  }

  private buildBytesTable(): (Uint8Array | undefined)[] {
    const table: (Uint8Array | undefined)[] = new Array(this.vocabSize);
    const utf8 = new TextEncoder();
    for (const [token, id] of this.vocab) table[id] = byteLevelToBytes(token) ?? utf8.encode(token);
    for (const [token, id] of this.added) table[id] = utf8.encode(token);
    for (const [token, id] of this.special) table[id] = utf8.encode(token);
    return table;
  }
}

const EMPTY = new Uint8Array(0);
