import type { StreamingDecoder } from './streaming-decoder';

/**
 * Ids of the special tokens a vocabulary defines; a field is absent when the vocabulary has no such token.
 *
 * @example
 * const { bos, eos } = tokenizer.specialTokenIds; // Llama 2: 1, 2
 */
export interface SpecialTokenIds {
  bos?: number;
  eos?: number;
  pad?: number;
  unk?: number;
  cls?: number;
  sep?: number;
  mask?: number;
}

/**
 * Options of {@link Tokenizer.encode}.
 *
 * @example
 * tokenizer.encode('Hello <|endoftext|>', { allowedSpecial: ['<|endoftext|>'], addSpecialTokens: false });
 */
export interface EncodeOptions {
  /**
   * Add the tokens the model expects around a sequence: BOS (and EOS if the vocabulary asks for it) for
   * Llama, [CLS] … [SEP] for BERT, nothing for GPT-2. Default `true`, like Hugging Face.
   */
  addSpecialTokens?: boolean;
  /**
   * Special tokens written in the text that become their ids instead of being spelled out as ordinary text:
   * `'none'` (the default: text is never trusted to contain control tokens), `'all'`, or a list of token strings.
   */
  allowedSpecial?: 'all' | 'none' | readonly string[];
}

/**
 * Options of {@link Tokenizer.decode} and of a streaming decoder.
 *
 * @example
 * tokenizer.decode([1, 15043], { skipSpecialTokens: true }); // 'Hello'
 */
export interface DecodeOptions {
  /** Leave out special (control) tokens such as BOS, EOS, [CLS], [PAD]. Default `false`. */
  skipSpecialTokens?: boolean;
}

/**
 * Token ids with each token's span `[start, end)` in the input text, in UTF-16 code units (what
 * `String.prototype.slice` takes), so tokens can be highlighted over the text. A token that covers part of a
 * character (one byte of an emoji) gets the whole character's span; an added token (BOS, [CLS]) gets `[0, 0]`
 * or `[length, length]`.
 *
 * @example
 * const { ids, offsets } = tokenizer.encodeWithOffsets('Hello world');
 * offsets.map(([s, e]) => 'Hello world'.slice(s, e)); // ['Hello', ' world']
 */
export interface EncodingWithOffsets {
  ids: number[];
  offsets: Array<[number, number]>;
}

/** Which family a tokenizer belongs to. @example if (tokenizer.kind === 'wordpiece') tokenizer.encodePair(a, b); */
export type TokenizerKind = 'byte-level-bpe' | 'sentencepiece-bpe' | 'wordpiece';

/**
 * The one interface every tokenizer here implements (GPT-2 byte-level BPE, Llama SentencePiece BPE, BERT
 * WordPiece).
 *
 * @example
 * const ids = tokenizer.encode('Hello world');
 * tokenizer.decode(ids); // 'Hello world'
 */
export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** One more than the largest id: the number of rows of the embedding table. */
  readonly vocabSize: number;
  readonly specialTokenIds: SpecialTokenIds;
  encode(text: string, options?: EncodeOptions): number[];
  encodeWithOffsets(text: string, options?: EncodeOptions): EncodingWithOffsets;
  /** Throws a RangeError for an id that is not in the vocabulary. */
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  /** A decoder fed one id at a time that only ever emits complete UTF-8 text. */
  createStreamingDecoder(options?: DecodeOptions): StreamingDecoder;
  /** The token's string as the vocabulary spells it (`Ġthe`, `▁the`, `##ing`); RangeError when out of range. */
  idToToken(id: number): string;
  tokenToId(token: string): number | undefined;
  /**
   * The bytes token `id` contributes to decoded text when it follows `previousId` (undefined at the start):
   * the primitive under `decode` and the streaming decoder. Empty for a skipped special token.
   */
  tokenBytes(id: number, previousId: number | undefined, options?: DecodeOptions): Uint8Array;
}
