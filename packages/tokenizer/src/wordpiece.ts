// WordPiece (BERT family): normalize (BertNormalizer), split into words on whitespace and punctuation, then
// cut each word greedily into the longest vocabulary pieces from the left, pieces after the first spelled
// with a `##` prefix. A word that cannot be cut, or is longer than the limit, becomes one [UNK].
import { bertNormalize, type BertNormalizerOptions } from './bert-normalizer';
import { bertPretokenize } from './bert-pretokenize';
import { SpecialTokenSplitter } from './special-token-splitter';
import { PipelineTokenizer, type RunContext } from './pipeline-tokenizer';
import type { DecodeOptions, EncodeOptions, SpecialTokenIds } from './tokenizer';
import { TokenizerFormatError } from './tokenizer-error';

/**
 * What a WordPiece tokenizer is made of; `loadBertVocab`, `loadTokenizerJson` and `loadGgufTokenizer` build it.
 *
 * @example
 * ```ts
 * import { WordPiece } from '@transformer-kit/tokenizer';
 * const wp = new WordPiece({
 *   vocab: ['[UNK]', '[CLS]', '[SEP]', 'play', '##ing', '##ed'],
 *   specialTokenIds: { unk: 0, cls: 1, sep: 2 },
 * });
 * console.log(wp.encode('Playing played jumped')); // [ 1, 3, 4, 3, 5, 0, 2 ]
 * ```
 */
export interface WordPieceOptions {
  /** Tokens by id (`vocab.txt`, one per line). */
  vocab: readonly string[];
  /** Prefix of a piece that continues a word. Default `##`. */
  continuingSubwordPrefix?: string;
  /** Longer words (in code points) become [UNK]. Default 100. */
  maxInputCharsPerWord?: number;
  /** BertNormalizer settings, or `null` for none. Default: BERT uncased (lowercase, strip accents). */
  normalizer?: BertNormalizerOptions | null;
  specialTokenIds: SpecialTokenIds;
  fileKind?: string;
}

/**
 * Ids of a pair of sequences with BERT's segment ids: `[CLS] A [SEP] B [SEP]`, type 0 up to the first [SEP].
 *
 * @example
 * ```ts
 * import { readBertVocab } from '@transformer-kit/tokenizer/node';
 * const bert = await readBertVocab('../shared/tokenizers/bert-base-uncased/vocab.txt');
 * const { ids, tokenTypeIds } = bert.encodePair('How old are you?', 'Six.');
 * console.log(ids, tokenTypeIds);
 * // [ 101, 2129, 2214, 2024, 2017, 1029, 102, 2416, 1012, 102 ] [ 0, 0, 0, 0, 0, 0, 0, 1, 1, 1 ]
 * ```
 */
export interface PairEncoding {
  ids: number[];
  tokenTypeIds: number[];
}

/**
 * A WordPiece tokenizer (BERT family).
 *
 * @example
 * ```ts
 * import { readBertVocab } from '@transformer-kit/tokenizer/node';
 * const bert = await readBertVocab('../shared/tokenizers/bert-base-uncased/vocab.txt');
 * console.log(bert.encode('Hello world!')); // [ 101, 7592, 2088, 999, 102 ]
 * ```
 */
export class WordPiece extends PipelineTokenizer {
  readonly kind = 'wordpiece' as const;
  readonly vocabSize: number;
  private readonly vocab: readonly string[];
  private readonly ids = new Map<string, number>();
  private readonly prefix: string;
  private readonly maxChars: number;
  private readonly special = new Set<number>();
  protected readonly splitter: SpecialTokenSplitter;
  private cache = new Map<string, Int32Array>();

  constructor(private readonly options: WordPieceOptions) {
    super(options.specialTokenIds);
    this.vocab = options.vocab;
    this.vocabSize = options.vocab.length;
    options.vocab.forEach((t, id) => {
      if (!this.ids.has(t)) this.ids.set(t, id);
    });
    this.prefix = options.continuingSubwordPrefix ?? '##';
    this.maxChars = options.maxInputCharsPerWord ?? 100;
    if (this.specialTokenIds.unk === undefined) {
      throw new TokenizerFormatError(options.fileKind ?? 'WordPiece vocabulary', 'there is no unknown token ([UNK])');
    }
    const named = new Map<string, number>();
    for (const id of Object.values(this.specialTokenIds)) {
      if (id === undefined) continue;
      if (id < 0 || id >= this.vocabSize) throw new TokenizerFormatError(options.fileKind ?? 'WordPiece vocabulary', `special token id ${id} is out of range`);
      this.special.add(id);
      named.set(this.vocab[id], id);
    }
    this.splitter = new SpecialTokenSplitter(named);
  }

  /**
   * Two sequences as `[CLS] A [SEP] B [SEP]`, with BERT's segment ids.
   *
   * @example
   * ```ts
   * import { readBertVocab } from '@transformer-kit/tokenizer/node';
   * const bert = await readBertVocab('../shared/tokenizers/bert-base-uncased/vocab.txt');
   * console.log(bert.encodePair('a', 'b')); // { ids: [ 101, 1037, 102, 1038, 102 ], tokenTypeIds: [ 0, 0, 0, 1, 1 ] }
   * ```
   */
  encodePair(first: string, second: string, options: Omit<EncodeOptions, 'addSpecialTokens'> = {}): PairEncoding {
    const { cls, sep } = this.specialTokenIds;
    const a = this.encode(first, { ...options, addSpecialTokens: false });
    const b = this.encode(second, { ...options, addSpecialTokens: false });
    const ids = [...(cls === undefined ? [] : [cls]), ...a, ...(sep === undefined ? [] : [sep])];
    const firstLength = ids.length;
    ids.push(...b, ...(sep === undefined ? [] : [sep]));
    return { ids, tokenTypeIds: ids.map((_, i) => (i < firstLength ? 0 : 1)) };
  }

  /**
   * The id of a token in the vocabulary's spelling, or undefined.
   *
   * @example
   * ```ts
   * import { readBertVocab } from '@transformer-kit/tokenizer/node';
   * const bert = await readBertVocab('../shared/tokenizers/bert-base-uncased/vocab.txt');
   * console.log(bert.tokenToId('##ing')); // 2075
   * ```
   */
  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  /**
   * The UTF-8 bytes a token contributes to decoded text after `previousId`.
   *
   * @example
   * ```ts
   * import { readBertVocab } from '@transformer-kit/tokenizer/node';
   * const bert = await readBertVocab('../shared/tokenizers/bert-base-uncased/vocab.txt');
   * console.log(new TextDecoder().decode(bert.tokenBytes(2088, 7592))); // ' world' (with its leading space)
   * ```
   */
  tokenBytes(id: number, previousId: number | undefined, options: DecodeOptions = {}): Uint8Array {
    return new TextEncoder().encode(this.piece(id, previousId !== undefined, options));
  }

  private piece(id: number, started: boolean, options: DecodeOptions): string {
    const token = this.idToToken(id);
    if (options.skipSpecialTokens && this.special.has(id)) return '';
    if (!started) return token;
    if (token.startsWith(this.prefix)) return token.slice(this.prefix.length);
    if (token === '.' || token === ',' || token === '!' || token === '?') return token;
    return ' ' + token;
  }

  protected frame() {
    const { cls, sep } = this.specialTokenIds;
    return { prefix: cls === undefined ? [] : [cls], suffix: sep === undefined ? [] : [sep] };
  }

  protected token(id: number): string | undefined {
    return this.vocab[id];
  }

  protected encodeRun(text: string, s: number, e: number, _context: RunContext, out: number[], offsets: Array<[number, number]> | undefined) {
    this.encodeText(s === 0 && e === text.length ? text : text.slice(s, e), s, out, offsets);
  }

  // NOTE: whether a piece gets a space depends on whether any text came out before it (a skipped [CLS] does not
  // count), so decoding keeps that state rather than looking at the previous id alone
  protected override bytesStep(options: DecodeOptions): (id: number, previousId: number | undefined) => Uint8Array {
    let started = false;
    const utf8 = new TextEncoder();
    return (id, previousId) => {
      if (previousId === undefined) started = false;
      const piece = this.piece(id, started, options);
      if (piece !== '') started = true;
      return utf8.encode(piece);
    };
  }

  private encodeText(text: string, base: number, out: number[], offsets: Array<[number, number]> | undefined) {
    const norm = this.options.normalizer === null ? undefined : bertNormalize(text, this.options.normalizer ?? {});
    const normalized = norm ? norm.text : text;
    bertPretokenize(normalized, (s, e) => {
      const word = normalized.slice(s, e);
      let pieces = this.cache.get(word);
      if (pieces === undefined) {
        pieces = this.wordPieces(word);
        if (this.cache.size >= 100_000) this.cache.clear();
        this.cache.set(word, pieces);
      }
      // pieces holds id, end (UTF-16 in the word) pairs
      let at = s;
      for (let k = 0; k < pieces.length; k += 2) {
        out.push(pieces[k]);
        const to = s + pieces[k + 1];
        if (offsets) offsets.push(norm ? [base + norm.start[at], base + norm.end[to - 1]] : [base + at, base + to]);
        at = to;
      }
    });
  }

  private wordPieces(word: string): Int32Array {
    const unk = this.specialTokenIds.unk!;
    // code point boundaries of the word
    const bounds: number[] = [0];
    for (let i = 0; i < word.length; ) {
      i += word.codePointAt(i)! > 0xffff ? 2 : 1;
      bounds.push(i);
    }
    if (bounds.length - 1 > this.maxChars) return Int32Array.of(unk, word.length);
    const pieces: number[] = [];
    let b = 0;
    while (b < bounds.length - 1) {
      let found = -1;
      let e = bounds.length - 1;
      for (; e > b; e--) {
        const sub = word.slice(bounds[b], bounds[e]);
        const id = this.ids.get(b > 0 ? this.prefix + sub : sub);
        if (id !== undefined) {
          found = id;
          break;
        }
      }
      if (found < 0) return Int32Array.of(unk, word.length);
      pieces.push(found, bounds[e]);
      b = e;
    }
    return Int32Array.from(pieces);
  }
}
