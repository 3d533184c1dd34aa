// SentencePiece-style BPE (Llama 1/2, TinyLlama, llama2.c's models). There is no pre-tokenizer: spaces become
// `▁`, one `▁` is prepended (the "dummy prefix"), the whole text starts as one symbol per character and
// adjacent symbols merge, best first (by score, or by merge order for a Hugging Face file), as long as their
// concatenation is a token. A character that is not a token falls back to its UTF-8 bytes as `<0xXX>` tokens.
import { parseByteToken } from './byte-token';
import { mergeSymbols } from './merge-symbols';
import { PairMergeTable } from './pair-merge-table';
import { SpecialTokenSplitter } from './special-token-splitter';
import { splitPieces, type SplitRule } from './split-pretokenizer';
import { StreamingDecoder } from './streaming-decoder';
import type { DecodeOptions, EncodeOptions, EncodingWithOffsets, SpecialTokenIds, Tokenizer } from './tokenizer';
import { TokenizerFormatError, idOutOfRange } from './tokenizer-error';
import { TOKEN_TYPE, inferTokenTypes } from './token-type';
import { decodeTokenBytes } from './utf8';

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
  /** Token strings by id. */
  tokens: readonly string[];
  /** Merge priority by score of the merged token, higher first (llama2.c `tokenizer.bin`, GGUF `scores`). */
  scores?: ArrayLike<number>;
  /** Merge priority by position in this list, earlier first (Hugging Face `tokenizer.json`); wins over scores. */
  merges?: ReadonlyArray<readonly [string, string]>;
  /** Merges already resolved to `[left, right, merged]` id triples, in priority order; wins over `merges`. */
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
export class SentencePieceBpe implements Tokenizer {
  readonly kind = 'sentencepiece-bpe' as const;
  readonly vocabSize: number;
  readonly specialTokenIds: SpecialTokenIds;
  readonly spaceSymbol: string;
  private readonly tokens: readonly string[];
  private readonly types: Uint8Array;
  // one-code-point pieces, which start every encode; the full piece table is built on first need (see pieceIds)
  private readonly charIds = new Map<string, number>();
  private pieceMap: Map<string, number> | undefined;
  private readonly byteIds = new Int32Array(256).fill(-1);
  private readonly splitter: SpecialTokenSplitter;
  private table: PairMergeTable | undefined;
  private decoded: (Uint8Array | undefined)[] = [];

  constructor(private readonly options: SentencePieceBpeOptions) {
    this.tokens = options.tokens;
    this.vocabSize = options.tokens.length;
    this.specialTokenIds = { ...options.specialTokenIds };
    this.spaceSymbol = options.spaceSymbol ?? '\u2581';
    this.types = options.tokenTypes ? Uint8Array.from(options.tokenTypes) : inferTokenTypes(options.tokens, this.specialTokenIds);
    if (this.types.length !== this.vocabSize) {
      throw new TokenizerFormatError(options.fileKind ?? 'SentencePiece vocabulary', `${this.types.length} token types for ${this.vocabSize} tokens`);
    }
    const special = new Map<string, number>();
    const userDefined = new Map<string, number>();
    for (let id = 0; id < this.vocabSize; id++) {
      const type = this.types[id];
      const token = this.tokens[id];
      if (type === TOKEN_TYPE.normal || type === TOKEN_TYPE.userDefined) {
        // NOTE: the first id wins for a duplicated piece, as in sentencepiece's piece table
        const oneCodePoint = token.length === 1 || (token.length === 2 && isLow(token.charCodeAt(1)) && !isLow(token.charCodeAt(0)));
        if (oneCodePoint && !this.charIds.has(token)) this.charIds.set(token, id);
      } else if (type === TOKEN_TYPE.byte) {
        const b = parseByteToken(token);
        if (b >= 0) this.byteIds[b] = id;
      }
      // NOTE: llama.cpp matches user-defined tokens in every text and control tokens only when parsing specials
      if (type === TOKEN_TYPE.control) special.set(token.trim(), id);
      else if (type === TOKEN_TYPE.userDefined && token.length > 0 && !userDefined.has(token)) userDefined.set(token, id);
    }
    this.splitter = new SpecialTokenSplitter(special, userDefined);
  }

  /**
   * Text → ids, with BOS first unless `addSpecialTokens` is false.
   *
   * @example
   * ```ts
   * import { readLlama2cTokenizer } from '@transformer-kit/tokenizer/node';
   * const llama = await readLlama2cTokenizer('../shared/tokenizers/llama2/tokenizer.bin');
   * console.log(llama.encode('Hello'), llama.encode('Hello', { addSpecialTokens: false })); // [ 1, 15043 ] [ 15043 ]
   * ```
   */
  encode(text: string, options: EncodeOptions = {}): number[] {
    return this.run(text, options, undefined);
  }

  /**
   * Text → ids with each token's `[start, end)` in the text (BOS gets `[0, 0]`).
   *
   * @example
   * ```ts
   * import { readLlama2cTokenizer } from '@transformer-kit/tokenizer/node';
   * const llama = await readLlama2cTokenizer('../shared/tokenizers/llama2/tokenizer.bin');
   * console.log(llama.encodeWithOffsets('Hello world').offsets); // [ [ 0, 0 ], [ 0, 5 ], [ 5, 11 ] ]
   * ```
   */
  encodeWithOffsets(text: string, options: EncodeOptions = {}): EncodingWithOffsets {
    const offsets: Array<[number, number]> = [];
    return { ids: this.run(text, options, offsets), offsets };
  }

  /**
   * Concatenates the tokens' bytes: `▁` becomes a space, `<0xXX>` its raw byte, and the leading space of a token
   * at the start or right after BOS is dropped (the dummy prefix), exactly as llama2.c's `decode` does.
   *
   * @example
   * ```ts
   * import { readLlama2cTokenizer } from '@transformer-kit/tokenizer/node';
   * const llama = await readLlama2cTokenizer('../shared/tokenizers/llama2/tokenizer.bin');
   * console.log(llama.decode([1, 15043, 3186], { skipSpecialTokens: true })); // Hello world
   * ```
   */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    return decodeTokenBytes(ids, (id, prev) => this.tokenBytes(id, prev, options));
  }

  /**
   * A decoder fed one id at a time that emits only complete characters.
   *
   * @example
   * ```ts
   * import { readLlama2cTokenizer } from '@transformer-kit/tokenizer/node';
   * const llama = await readLlama2cTokenizer('../shared/tokenizers/llama2/tokenizer.bin');
   * const stream = llama.createStreamingDecoder({ skipSpecialTokens: true });
   * const ids = llama.encode('Hello world');
   * console.log(ids.map((id) => stream.push(id)).join('|') + stream.flush()); // |Hello| world
   * ```
   */
  createStreamingDecoder(options: DecodeOptions = {}): StreamingDecoder {
    return new StreamingDecoder((id, prev) => this.tokenBytes(id, prev, options));
  }

  /**
   * The token as the vocabulary spells it.
   *
   * @example
   * ```ts
   * import { readLlama2cTokenizer } from '@transformer-kit/tokenizer/node';
   * const llama = await readLlama2cTokenizer('../shared/tokenizers/llama2/tokenizer.bin');
   * console.log(JSON.stringify(llama.idToToken(15043))); // " Hello" (llama2.c's file spells the space ' ', not '▁')
   * ```
   */
  idToToken(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw idOutOfRange(id, this.vocabSize);
    return this.tokens[id];
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
      const b = type === TOKEN_TYPE.byte ? parseByteToken(this.tokens[id]) : -1;
      bytes =
        b >= 0
          ? Uint8Array.of(b)
          : new TextEncoder().encode(type === TOKEN_TYPE.normal || type === TOKEN_TYPE.userDefined ? this.tokens[id].split(this.spaceSymbol).join(' ') : this.tokens[id]);
      this.decoded[id] = bytes;
    }
    const atStart = previousId === undefined || previousId === this.specialTokenIds.bos;
    if (atStart && (this.options.addDummyPrefix ?? true) && type === TOKEN_TYPE.normal && bytes[0] === 0x20) return bytes.subarray(1);
    return bytes;
  }

  private run(text: string, options: EncodeOptions, offsets: Array<[number, number]> | undefined): number[] {
    const ids: number[] = [];
    const add = options.addSpecialTokens ?? true;
    const { bos, eos } = this.specialTokenIds;
    if (add && bos !== undefined && (this.options.addBos ?? true)) {
      ids.push(bos);
      offsets?.push([0, 0]);
    }
    // llama.cpp: the dummy prefix goes on the first text fragment and on any fragment after a special token
    let prevSpecial = true;
    this.splitter.split(
      text,
      options.allowedSpecial,
      (s, e) => {
        if (e > s) this.encodeSegment(text, s, e, prevSpecial, ids, offsets);
        prevSpecial = false;
      },
      (id, s, e) => {
        ids.push(id);
        offsets?.push([s, e]);
        prevSpecial = true;
      },
    );
    if (add && eos !== undefined && this.options.addEos) {
      ids.push(eos);
      offsets?.push([text.length, text.length]);
    }
    return ids;
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
    const space = this.charIds.get(this.spaceSymbol) ?? this.pieceIds().get(this.spaceSymbol) ?? -1;
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
      const ch = width === 1 && c >= 0xd800 && c <= 0xdfff ? '\ufffd' : text.slice(i, i + width);
      ids[n++] = c === 0x20 ? space : (this.charIds.get(ch) ?? -1);
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

  /** Normal and user-defined pieces → id, the first id winning for a duplicated piece. */
  private pieceIds(): Map<string, number> {
    if (this.pieceMap) return this.pieceMap;
    const map = new Map<string, number>();
    for (let id = 0; id < this.vocabSize; id++) {
      const type = this.types[id];
      if ((type === TOKEN_TYPE.normal || type === TOKEN_TYPE.userDefined) && !map.has(this.tokens[id])) map.set(this.tokens[id], id);
    }
    return (this.pieceMap = map);
  }

  private buildMergeTable(): PairMergeTable {
    const kind = this.options.fileKind ?? 'SentencePiece vocabulary';
    const triples = this.options.mergeIds;
    if (triples) return PairMergeTable.fromTriples(triples);
    const pieceIds = this.pieceIds();
    if (this.options.merges) {
      const merges = this.options.merges;
      const table = new PairMergeTable(merges.length);
      merges.forEach(([a, b], rank) => {
        const left = pieceIds.get(a);
        const right = pieceIds.get(b);
        const merged = pieceIds.get(a + b);
        if (left === undefined || right === undefined || merged === undefined) {
          throw new TokenizerFormatError(kind, `merge ${rank + 1} ('${a} ${b}') uses a token that is not in the vocabulary`);
        }
        table.add(left, right, merged, rank);
      });
      return table;
    }
    const scores = this.options.scores;
    if (!scores || scores.length !== this.vocabSize) {
      throw new TokenizerFormatError(kind, `needs one score per token (${scores?.length ?? 0} scores for ${this.vocabSize} tokens) or a merges list`);
    }
    // Equal scores get equal ranks so that ties go to the leftmost pair, as in llama.cpp and llama2.c.
    const distinct = [...new Set(Array.from(scores))].sort((x, y) => y - x);
    const rankOf = new Map(distinct.map((s, i) => [s, i]));
    const table = new PairMergeTable(pieceIds.size * 2);
    for (const [token, id] of pieceIds) {
      const rank = rankOf.get(scores[id])!;
      for (let k = 1; k < token.length; k++) {
        if (isLow(token.charCodeAt(k))) continue; // split between code points only
        const left = pieceIds.get(token.slice(0, k));
        if (left === undefined) continue;
        const right = pieceIds.get(token.slice(k));
        if (right !== undefined) table.add(left, right, id, rank);
      }
    }
    return table;
  }
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

const EMPTY = new Uint8Array(0);
