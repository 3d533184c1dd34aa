// SentencePiece-style BPE (Llama 1/2, TinyLlama, llama2.c's models). There is no pre-tokenizer: spaces become
// `▁`, one `▁` is prepended (the "dummy prefix"), the whole text starts as one symbol per character and
// adjacent symbols merge, best first (by score, or by merge order for a Hugging Face file), as long as their
// concatenation is a token. A character that is not a token falls back to its UTF-8 bytes as `<0xXX>` tokens.
import { parseByteToken } from './byte-token';
import { mergeSymbols } from './merge-symbols';
import { PairMergeTable } from './pair-merge-table';
import { SpecialTokenSplitter } from './special-token-splitter';
import { splitPieces, type SplitRule } from './split-pretokenizer';
import { PipelineTokenizer, type RunContext } from './pipeline-tokenizer';
import type { DecodeOptions, SpecialTokenIds } from './tokenizer';
import { TokenizerFormatError, idOutOfRange } from './tokenizer-error';
import { TOKEN_TYPE, inferTokenTypes } from './token-type';
import { allTokens, tokenListOf, tokenUnitAt, type TokenList } from './token-list';

/**
 * What a SentencePiece-style BPE is made of; `loadLlama2cTokenizer`, `loadGgufTokenizer` and
 * `loadTokenizerJson` build it from files.
 *
 * @example
 * ```ts
 * import { SentencePieceBpe } from '@transformer-kit/tokenizer';
 * const spm = new SentencePieceBpe({
 *   tokens: ['<unk>', '<s>', '</s>', '▁', 'h', 'i', '▁h', '▁hi'],
 *   scores: [0, 0, 0, -1, -2, -3, -4, -5],
 *   specialTokenIds: { unk: 0, bos: 1, eos: 2 },
 * });
 * console.log(spm.encode('hi')); // [ 1, 7 ]  (BOS, '▁hi')
 * ```
 */
export interface SentencePieceBpeOptions {
  /** Token strings by id: an array, or a {@link TokenList} that makes them on demand (a large file's vocabulary). */
  tokens: readonly string[] | TokenList;
  /** Merge priority by score of the merged token, higher first (llama2.c `tokenizer.bin`, GGUF `scores`). */
  scores?: ArrayLike<number>;
  /** Merge priority by position in this list, earlier first (Hugging Face `tokenizer.json`); wins over scores. */
  merges?: ReadonlyArray<readonly [string, string]>;
  /** Merges already resolved to `[left, right, merged]` id triples, in priority order; wins over `merges`. The merge table keeps this array (it is not copied): leave it unchanged. */
  mergeIds?: Int32Array;
  /** GGUF token types (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte); inferred if absent. */
  tokenTypes?: ArrayLike<number>;
  /** The character that stands for a space inside tokens: `▁` (default) or `' '` (llama2.c's files). */
  spaceSymbol?: string;
  /** Prepend one space to the text before tokenizing (SentencePiece's `add_dummy_prefix`). Default true. */
  addDummyPrefix?: boolean;
  specialTokenIds: SpecialTokenIds;
  /** Prepend BOS when `addSpecialTokens` is on. Default true when there is a BOS. */
  addBos?: boolean;
  /** Append EOS when `addSpecialTokens` is on. Default false. */
  addEos?: boolean;
  /**
   * Hugging Face `Split` steps run on the text as the model sees it (spaces already the space symbol, the dummy
   * prefix in front); BPE then runs on each piece. Default: the whole text is one piece.
   */
  splits?: readonly SplitRule[];
  fileKind?: string;
}

/**
 * A SentencePiece-style BPE tokenizer (Llama family).
 *
 * @example
 * ```ts
 * import { readLlama2cTokenizer } from '@transformer-kit/tokenizer/node';
 * const llama = await readLlama2cTokenizer('../shared/tokenizers/llama2/tokenizer.bin');
 * console.log(llama.encode('I believe the meaning of life is')); // [ 1, 306, 4658, 278, 6593, 310, 2834, 338 ]
 * ```
 */
export class SentencePieceBpe extends PipelineTokenizer {
  readonly kind = 'sentencepiece-bpe' as const;
  readonly vocabSize: number;
  readonly spaceSymbol: string;
  private readonly tokens: TokenList;
  private readonly types: Uint8Array;
  // one-code-point pieces, which start every encode: by UTF-16 unit (-1 none), and those of two units (a surrogate
  // pair) by string; the full piece table is built on first need (see pieceIds)
  private readonly unitIds = new Int32Array(0x10000).fill(-1);
  private readonly pairIds = new Map<string, number>();
  private pieceMap: Map<string, number> | undefined;
  private readonly byteIds = new Int32Array(256).fill(-1);
  protected readonly splitter: SpecialTokenSplitter;
  private table: PairMergeTable | undefined;
  private decoded: (Uint8Array | undefined)[] = [];

  constructor(private readonly options: SentencePieceBpeOptions) {
    super(options.specialTokenIds);
    const tokens = (this.tokens = Array.isArray(options.tokens) ? tokenListOf(options.tokens) : (options.tokens as TokenList));
    this.vocabSize = tokens.length;
    this.spaceSymbol = options.spaceSymbol ?? '\u2581';
    this.types = options.tokenTypes ? Uint8Array.from(options.tokenTypes) : inferTokenTypes(allTokens(options.tokens), this.specialTokenIds);
    if (this.types.length !== this.vocabSize) {
      throw new TokenizerFormatError(options.fileKind ?? 'SentencePiece vocabulary', `${this.types.length} token types for ${this.vocabSize} tokens`);
    }
    const pieces: LoadPieces = { tokens, types: this.types, unitIds: this.unitIds, pairIds: this.pairIds, byteIds: this.byteIds, special: new Map(), userDefined: new Map() };
    // NOTE: in chunks, so that the loop is a function called many times, which the engine optimizes once for every
    // load, not a loop it compiles anew at each. A first call reads the last ids into a scratch state, thrown away:
    // they are where a file's added tokens that are not in its vocabulary sit, whose token list takes a path of its
    // own, and code the engine compiles before that path has run once is thrown away when it first runs (at every
    // load, measured on Gemma 3)
    if (this.vocabSize > CHUNK) {
      const scratch: LoadPieces = { ...pieces, unitIds: new Int32Array(0x10000).fill(-1), pairIds: new Map(), byteIds: new Int32Array(256), special: new Map(), userDefined: new Map() };
      readPieces(scratch, this.vocabSize - 64, this.vocabSize);
    }
    for (let id = 0; id < this.vocabSize; id += CHUNK) readPieces(pieces, id, Math.min(this.vocabSize, id + CHUNK));
    this.splitter = new SpecialTokenSplitter(pieces.special, pieces.userDefined);
  }

  /**
   * The id of a token in the vocabulary's spelling, or undefined.
   *
   * @example
   * ```ts
   * import { readLlama2cTokenizer } from '@transformer-kit/tokenizer/node';
   * const llama = await readLlama2cTokenizer('../shared/tokenizers/llama2/tokenizer.bin');
   * console.log(llama.tokenToId(' Hello')); // 15043
   * ```
   */
  tokenToId(token: string): number | undefined {
    const id = this.pieceIds().get(token);
    if (id !== undefined) return id;
    const i = this.tokens.indexOf(token);
    return i < 0 ? undefined : i;
  }

  /**
   * llama2.c's `decode(prev_token, token)` as bytes: a `<0xXX>` token is its byte, a leading space is dropped
   * after BOS (and at the very start), special tokens are their text unless skipped.
   *
   * @example
   * ```ts
   * import { readLlama2cTokenizer } from '@transformer-kit/tokenizer/node';
   * const llama = await readLlama2cTokenizer('../shared/tokenizers/llama2/tokenizer.bin');
   * const utf8 = new TextDecoder();
   * console.log(utf8.decode(llama.tokenBytes(15043, 1)), '|', utf8.decode(llama.tokenBytes(15043, 306))); // Hello |  Hello
   * ```
   */
  tokenBytes(id: number, previousId: number | undefined, options: DecodeOptions = {}): Uint8Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw idOutOfRange(id, this.vocabSize);
    const type = this.types[id];
    if (type !== TOKEN_TYPE.normal && type !== TOKEN_TYPE.userDefined && type !== TOKEN_TYPE.byte && options.skipSpecialTokens) {
      return EMPTY;
    }
    let bytes = this.decoded[id];
    if (bytes === undefined) {
      const token = this.tokens.at(id);
      const b = type === TOKEN_TYPE.byte ? parseByteToken(token) : -1;
      bytes =
        b >= 0 ? Uint8Array.of(b) : new TextEncoder().encode(type === TOKEN_TYPE.normal || type === TOKEN_TYPE.userDefined ? token.split(this.spaceSymbol).join(' ') : token);
      this.decoded[id] = bytes;
    }
    const atStart = previousId === undefined || previousId === this.specialTokenIds.bos;
    if (atStart && (this.options.addDummyPrefix ?? true) && type === TOKEN_TYPE.normal && bytes[0] === 0x20) return bytes.subarray(1);
    return bytes;
  }

  protected frame() {
    const { bos, eos } = this.specialTokenIds;
    return {
      prefix: bos !== undefined && (this.options.addBos ?? true) ? [bos] : [],
      suffix: eos !== undefined && this.options.addEos ? [eos] : [],
    };
  }

  protected token(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 && id < this.vocabSize ? this.tokens.at(id) : undefined;
  }

  // llama.cpp: the dummy prefix goes on the first text fragment and on any fragment after a special token
  protected encodeRun(text: string, from: number, to: number, context: RunContext, out: number[], offsets: Array<[number, number]> | undefined) {
    this.encodeSegment(text, from, to, context.afterSpecial, out, offsets);
  }

  private encodeSegment(text: string, from: number, to: number, prefix: boolean, out: number[], offsets: Array<[number, number]> | undefined) {
    const splits = this.options.splits;
    if (!splits || splits.length === 0) {
      this.encodeText(text, from, to, prefix, out, offsets);
      return;
    }
    // the text as the splits see it: spaces spelled as the space symbol, the dummy prefix (view index 0) first
    const dummy = prefix && (this.options.addDummyPrefix ?? true) ? 1 : 0;
    const view = (dummy ? this.spaceSymbol : '') + text.slice(from, to).split(' ').join(this.spaceSymbol);
    if (view.length !== to - from + dummy) {
      throw new Error(`SentencePiece BPE: Split pre-tokenizers need a one-unit space symbol (got ${JSON.stringify(this.spaceSymbol)})`);
    }
    splitPieces(view, 0, view.length, splits, (a, b) => {
      const withDummy = dummy === 1 && a === 0;
      this.encodeText(text, from + Math.max(0, a - dummy), from + b - dummy, withDummy, out, offsets);
    });
  }

  private encodeText(text: string, from: number, to: number, prefix: boolean, out: number[], offsets: Array<[number, number]> | undefined) {
    const table = (this.table ??= this.buildMergeTable());
    const dummy = prefix && (this.options.addDummyPrefix ?? true);
    // one symbol per code point of (dummy ? ' ' : '') + text, with ' ' spelled as the space symbol
    const n0 = to - from + (dummy ? 1 : 0);
    const ids = new Int32Array(n0);
    const charStart = new Int32Array(n0 + 1); // UTF-16 start of each symbol in `text` (the dummy maps to `from`)
    const space = this.oneCodePointId(this.spaceSymbol) ?? this.pieceIds().get(this.spaceSymbol) ?? -1;
    let n = 0;
    if (dummy) {
      charStart[n] = from;
      ids[n++] = space;
    }
    for (let i = from; i < to; ) {
      const c = text.charCodeAt(i);
      const width = c >= 0xd800 && c <= 0xdbff && i + 1 < to && isLow(text.charCodeAt(i + 1)) ? 2 : 1;
      charStart[n] = i;
      // NOTE: a lone surrogate is looked up as U+FFFD, the character a UTF-8 encoder turns it into
      if (c === 0x20) ids[n++] = space;
      else if (width === 1) ids[n++] = this.unitIds[c >= 0xd800 && c <= 0xdfff ? 0xfffd : c];
      else ids[n++] = this.pairIds.get(text.slice(i, i + width)) ?? -1;
      i += width;
    }
    charStart[n] = to;
    const starts = new Int32Array(n);
    const m = mergeSymbols(ids, n, table, starts);
    for (let k = 0; k < m; k++) {
      const first = starts[k];
      const last = k + 1 < m ? starts[k + 1] : n; // symbols [first, last) form this token
      const span: [number, number] = [charStart[first], charStart[last]];
      if (ids[k] >= 0) {
        out.push(ids[k]);
        offsets?.push(span);
        continue;
      }
      this.byteFallback(text.slice(charStart[first], charStart[last]), out);
      while (offsets && offsets.length < out.length) offsets.push(span);
    }
  }

  private byteFallback(char: string, out: number[]) {
    // NOTE: a lone surrogate has no UTF-8 form; TextEncoder gives U+FFFD's bytes, as every reference does
    const bytes = new TextEncoder().encode(char);
    const unk = this.specialTokenIds.unk;
    for (const b of bytes) {
      const id = this.byteIds[b];
      if (id >= 0) out.push(id);
      else if (unk !== undefined) {
        out.push(unk);
        return;
      } else throw new Error(`SentencePiece BPE: '${char}' is not in the vocabulary and there is neither a byte token nor an unknown token`);
    }
  }

  // the id of a one-code-point piece, or undefined
  private oneCodePointId(s: string): number | undefined {
    const id = s.length === 1 ? this.unitIds[s.charCodeAt(0)] : this.pairIds.get(s);
    return id === undefined || id < 0 ? undefined : id;
  }

  /** Normal and user-defined pieces → id, the first id winning for a duplicated piece. */
  private pieceIds(): Map<string, number> {
    if (this.pieceMap) return this.pieceMap;
    const map = new Map<string, number>();
    for (let id = 0; id < this.vocabSize; id++) {
      const type = this.types[id];
      if (type === TOKEN_TYPE.normal || type === TOKEN_TYPE.userDefined) {
        const token = this.tokens.at(id);
        if (!map.has(token)) map.set(token, id);
      }
    }
    return (this.pieceMap = map);
  }

  private buildMergeTable(): PairMergeTable {
    const kind = this.options.fileKind ?? 'SentencePiece vocabulary';
    const triples = this.options.mergeIds;
    if (triples) return PairMergeTable.fromTriples(triples);
    const pieceIds = this.pieceIds();
    if (this.options.merges) return PairMergeTable.fromPairs(this.options.merges, (t) => pieceIds.get(t), kind);
    const scores = this.options.scores;
    if (!scores || scores.length !== this.vocabSize) {
      throw new TokenizerFormatError(kind, `needs one score per token (${scores?.length ?? 0} scores for ${this.vocabSize} tokens) or a merges list`);
    }
    // Equal scores get equal ranks so that ties go to the leftmost pair, as in llama.cpp and llama2.c.
    const distinct = [...new Set(Array.from(scores))].sort((x, y) => y - x);
    const rankOf = new Map(distinct.map((s, i) => [s, i]));
    return PairMergeTable.fromSplits(pieceIds, (id) => rankOf.get(scores[id])!);
  }
}

// ids per call of readPieces
const CHUNK = 4096;

// what SentencePieceBpe's constructor reads off its tokens
interface LoadPieces {
  tokens: TokenList;
  types: Uint8Array;
  unitIds: Int32Array;
  pairIds: Map<string, number>;
  byteIds: Int32Array;
  special: Map<string, number>;
  userDefined: Map<string, number>;
}

// ids [from, to) into the one-code-point pieces, the byte tokens, the control (special) and user-defined tokens
// NOTE: a token's string is made only where its type or length says it is needed (a few thousand of Gemma 3's
// 262k): one-code-point pieces, byte, control and user-defined tokens
function readPieces(pieces: LoadPieces, from: number, to: number): void {
  const { tokens, types, unitIds, pairIds, byteIds, special, userDefined } = pieces;
  for (let id = from; id < to; id++) {
    const type = types[id];
    if (type === TOKEN_TYPE.normal || type === TOKEN_TYPE.userDefined) {
      // NOTE: the first id wins for a duplicated piece, as in sentencepiece's piece table
      const units = tokens.units(id);
      if (units === 1) {
        const c = tokenUnitAt(tokens, id, 0);
        if (unitIds[c] === -1) unitIds[c] = id;
      } else if (units === 2) {
        // (a list that can not read a unit without the string makes it once)
        const made = tokens.unitAt === undefined ? tokens.at(id) : undefined;
        const c0 = made === undefined ? tokens.unitAt!(id, 0) : made.charCodeAt(0);
        const c1 = made === undefined ? tokens.unitAt!(id, 1) : made.charCodeAt(1);
        if (isLow(c1) && !isLow(c0)) {
          const token = made ?? tokens.at(id);
          if (!pairIds.has(token)) pairIds.set(token, id);
        }
      }
    } else if (type === TOKEN_TYPE.byte) {
      const b = parseByteToken(tokens.at(id));
      if (b >= 0) byteIds[b] = id;
    }
    // NOTE: llama.cpp matches user-defined tokens in every text and control tokens only when parsing specials
    if (type === TOKEN_TYPE.control) special.set(tokens.at(id).trim(), id);
    else if (type === TOKEN_TYPE.userDefined && tokens.units(id) > 0) {
      const token = tokens.at(id);
      if (!userDefined.has(token)) userDefined.set(token, id);
    }
  }
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

const EMPTY = new Uint8Array(0);
