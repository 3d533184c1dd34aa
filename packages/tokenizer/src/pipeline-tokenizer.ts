// The Tokenizer interface, implemented once for every family. Encoding is Hugging Face's pipeline: added
// (special) tokens are split out of the text first, each ordinary run then goes through the family's
// normalizer → pre-tokenizer → model (the one step a family supplies, `encodeRun`), and the post-processor adds
// the ids a sequence is framed with (BOS, [CLS] … [SEP]). Decoding concatenates each token's bytes, which the
// family also supplies (`tokenBytes`), and decodes the UTF-8 once, so a character split across byte tokens
// comes out whole.
import type { SpecialTokenSplitter } from './special-token-splitter';
import { StreamingDecoder } from './streaming-decoder';
import type { DecodeOptions, EncodeOptions, EncodingWithOffsets, SpecialTokenIds, Tokenizer, TokenizerKind } from './tokenizer';
import { idOutOfRange } from './tokenizer-error';
import { decodeTokenBytes } from './utf8';

/**
 * Where an ordinary run of text sits among the special tokens split out of it: the SentencePiece dummy prefix
 * goes on a run after a special token (or at the start), a ByteLevel prefix space on the very first run.
 *
 * @example
 * ```ts
 * import type { RunContext } from '@transformer-kit/tokenizer';
 * const context: RunContext = { first: true, afterSpecial: true };
 * console.log(context.first); // true
 * ```
 */
export interface RunContext {
  /** Nothing, not even a special token, came before this run. */
  first: boolean;
  /** The run starts the text or follows a special token. */
  afterSpecial: boolean;
}

/**
 * The base every tokenizer family extends: it implements {@link Tokenizer} (encode, offsets, added tokens, the
 * post-processor's framing ids, decode, streaming decode, range checks) once, over the family's model step.
 *
 * @example
 * ```ts
 * import { PipelineTokenizer, SentencePieceBpe } from '@transformer-kit/tokenizer';
 * const spm = new SentencePieceBpe({ tokens: ['<unk>', '<s>', '</s>', '▁', 'h', 'i', '▁h', '▁hi'], scores: [0, 0, 0, -1, -2, -3, -4, -5], specialTokenIds: { unk: 0, bos: 1, eos: 2 } });
 * console.log(spm instanceof PipelineTokenizer, spm.encodeWithOffsets('hi')); // true { ids: [ 1, 7 ], offsets: [ [ 0, 0 ], [ 0, 2 ] ] }
 * ```
 */
export abstract class PipelineTokenizer implements Tokenizer {
  abstract readonly kind: TokenizerKind;
  abstract readonly vocabSize: number;
  readonly specialTokenIds: SpecialTokenIds;

  protected constructor(specialTokenIds: SpecialTokenIds) {
    this.specialTokenIds = { ...specialTokenIds };
  }

  /** Splits the special (and added) tokens out of a text; built by the family from its vocabulary. */
  protected abstract readonly splitter: SpecialTokenSplitter;

  /**
   * The family's normalizer → pre-tokenizer → model on text[from, to): pushes the ids to `out` and, when
   * `offsets` is given, one `[start, end)` span in `text` per id.
   */
  protected abstract encodeRun(text: string, from: number, to: number, context: RunContext, out: number[], offsets: Array<[number, number]> | undefined): void;

  /** The post-processor: ids put before and after a sequence when `addSpecialTokens` is on. */
  protected abstract frame(): { prefix: readonly number[]; suffix: readonly number[] };

  /** The token with this id as the vocabulary spells it, or undefined when there is none. */
  protected abstract token(id: number): string | undefined;

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
  abstract tokenToId(token: string): number | undefined;

  /**
   * The UTF-8 bytes a token contributes to decoded text, given the id before it (undefined at the start).
   *
   * @example
   * ```ts
   * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
   * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
   * console.log(gpt2.tokenBytes(995, undefined)); // Uint8Array(6) [ 32, 119, 111, 114, 108, 100 ]  (' world')
   * ```
   */
  abstract tokenBytes(id: number, previousId: number | undefined, options?: DecodeOptions): Uint8Array;

  /**
   * Text → ids, framed by the post-processor's ids (BOS, [CLS] … [SEP]) unless `addSpecialTokens` is false.
   *
   * @example
   * ```ts
   * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
   * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
   * console.log(gpt2.encode('Hello world')); // [ 15496, 995 ]
   * ```
   */
  encode(text: string, options: EncodeOptions = {}): number[] {
    return this.run(text, options, undefined);
  }

  /**
   * Text → ids with each token's `[start, end)` in the text (framing ids get an empty span at their end).
   *
   * @example
   * ```ts
   * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
   * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
   * console.log(gpt2.encodeWithOffsets('Hi there').offsets); // [ [ 0, 2 ], [ 2, 8 ] ]
   * ```
   */
  encodeWithOffsets(text: string, options: EncodeOptions = {}): EncodingWithOffsets {
    const offsets: Array<[number, number]> = [];
    return { ids: this.run(text, options, offsets), offsets };
  }

  /**
   * Ids → text: the tokens' bytes, concatenated, decoded as UTF-8 once.
   *
   * @example
   * ```ts
   * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
   * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
   * console.log(gpt2.decode([15496, 995])); // Hello world
   * ```
   */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    return decodeTokenBytes(ids, this.bytesStep(options));
  }

  /**
   * A decoder fed one id at a time that emits only complete characters.
   *
   * @example
   * ```ts
   * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
   * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
   * const stream = gpt2.createStreamingDecoder();
   * const ids = gpt2.encode('Hi 🤗'); // [ 17250, 12520, 97, 245 ]: the emoji's 4 bytes span 3 tokens
   * console.log(ids.map((id) => JSON.stringify(stream.push(id))).join(' ')); // "Hi" " " "" "🤗"
   * ```
   */
  createStreamingDecoder(options: DecodeOptions = {}): StreamingDecoder {
    return new StreamingDecoder(this.bytesStep(options));
  }

  /**
   * The token as the vocabulary spells it; a RangeError for an id that is not in the vocabulary.
   *
   * @example
   * ```ts
   * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
   * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
   * console.log(gpt2.idToToken(995)); // Ġworld
   * ```
   */
  idToToken(id: number): string {
    const token = Number.isInteger(id) && id >= 0 ? this.token(id) : undefined;
    if (token === undefined) throw idOutOfRange(id, this.vocabSize);
    return token;
  }

  /** One decoding step, `(id, previousId) → bytes`; a family whose decoding keeps state overrides it. */
  protected bytesStep(options: DecodeOptions): (id: number, previousId: number | undefined) => Uint8Array {
    return (id, previousId) => this.tokenBytes(id, previousId, options);
  }

  private run(text: string, options: EncodeOptions, offsets: Array<[number, number]> | undefined): number[] {
    const ids: number[] = [];
    const add = options.addSpecialTokens ?? true;
    const { prefix, suffix } = add ? this.frame() : NO_FRAME;
    for (const id of prefix) {
      ids.push(id);
      offsets?.push([0, 0]);
    }
    const context: RunContext = { first: true, afterSpecial: true };
    this.splitter.split(
      text,
      options.allowedSpecial,
      (s, e) => {
        if (e > s) this.encodeRun(text, s, e, context, ids, offsets);
        context.first = context.afterSpecial = false;
      },
      (id, s, e) => {
        ids.push(id);
        offsets?.push([s, e]);
        context.first = false;
        context.afterSpecial = true;
      },
    );
    for (const id of suffix) {
      ids.push(id);
      offsets?.push([text.length, text.length]);
    }
    return ids;
  }
}

const NO_FRAME = { prefix: [], suffix: [] };
