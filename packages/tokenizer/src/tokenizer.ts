import type { StreamingDecoder } from './streaming-decoder';

/**
 * Ids of the special tokens a vocabulary defines; a field is absent when the vocabulary has no such token.
 *
 * @example
 * ```ts
 * import { readLlama2cTokenizer } from '@transformer-kit/tokenizer/node';
 * const llama = await readLlama2cTokenizer('../shared/tokenizers/llama2/tokenizer.bin');
 * console.log(llama.specialTokenIds); // { unk: 0, bos: 1, eos: 2 }
 * ```
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
 * ```ts
 * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
 * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
 * console.log(gpt2.encode('Hi<|endoftext|>')); // [ 17250, 27, 91, 437, 1659, 5239, 91, 29 ]  (spelled out)
 * console.log(gpt2.encode('Hi<|endoftext|>', { allowedSpecial: ['<|endoftext|>'] })); // [ 17250, 50256 ]
 * ```
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
 * ```ts
 * import { readLlama2cTokenizer } from '@transformer-kit/tokenizer/node';
 * const llama = await readLlama2cTokenizer('../shared/tokenizers/llama2/tokenizer.bin');
 * console.log(JSON.stringify(llama.decode([1, 15043, 3186, 2]))); // "\n<s>\nHello world\n</s>\n" (llama2.c spells BOS/EOS so)
 * console.log(JSON.stringify(llama.decode([1, 15043, 3186, 2], { skipSpecialTokens: true }))); // "Hello world"
 * ```
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
 * ```ts
 * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
 * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
 * const { ids, offsets } = gpt2.encodeWithOffsets('Hello world');
 * console.log(ids, offsets.map(([s, e]) => 'Hello world'.slice(s, e))); // [ 15496, 995 ] [ 'Hello', ' world' ]
 * ```
 */
export interface EncodingWithOffsets {
  ids: number[];
  offsets: Array<[number, number]>;
}

/**
 * Which family a tokenizer belongs to.
 *
 * @example
 * ```ts
 * import { readBertVocab } from '@transformer-kit/tokenizer/node';
 * const bert = await readBertVocab('../shared/tokenizers/bert-base-uncased/vocab.txt');
 * if (bert.kind === 'wordpiece') console.log(bert.encodePair('hi', 'there').ids); // [ 101, 7632, 102, 2045, 102 ]
 * ```
 */
export type TokenizerKind = 'byte-level-bpe' | 'sentencepiece-bpe' | 'wordpiece';

/**
 * The one interface every tokenizer here implements (GPT-2 byte-level BPE, Llama SentencePiece BPE, BERT
 * WordPiece).
 *
 * @example
 * ```ts
 * import type { Tokenizer } from '@transformer-kit/tokenizer';
 * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
 * const tokenizer: Tokenizer = await readGpt2Files('../shared/tokenizers/gpt2');
 * const ids = tokenizer.encode('Hello world');
 * console.log(ids, tokenizer.decode(ids)); // [ 15496, 995 ] Hello world
 * ```
 */
export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** One more than the largest id: the number of rows of the embedding table. */
  readonly vocabSize: number;
  readonly specialTokenIds: SpecialTokenIds;
  /** Text → token ids, with the special tokens the model expects around a sequence unless `addSpecialTokens` is false. */
  encode(text: string, options?: EncodeOptions): number[];
  /** Like {@link Tokenizer.encode}, with each token's `[start, end)` span in the text. */
  encodeWithOffsets(text: string, options?: EncodeOptions): EncodingWithOffsets;
  /** Throws a RangeError for an id that is not in the vocabulary. */
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  /** A decoder fed one id at a time that only ever emits complete UTF-8 text. */
  createStreamingDecoder(options?: DecodeOptions): StreamingDecoder;
  /** The token's string as the vocabulary spells it (`Ġthe`, `▁the`, `##ing`); RangeError when out of range. */
  idToToken(id: number): string;
  /** The id of a token spelled as the vocabulary spells it; undefined when it is not in the vocabulary. */
  tokenToId(token: string): number | undefined;
  /**
   * The bytes token `id` contributes to decoded text when it follows `previousId` (undefined at the start):
   * the primitive under `decode` and the streaming decoder. Empty for a skipped special token.
   */
  tokenBytes(id: number, previousId: number | undefined, options?: DecodeOptions): Uint8Array;
}
