/**
 * A file or object that cannot be a tokenizer: the message names the kind of file (`tokenizer.json`,
 * `llama2.c tokenizer.bin`, `vocab.bpe`, …) and what was wrong with it.
 *
 * @example
 * ```ts
 * import { TokenizerFormatError, loadLlama2cTokenizer } from '@transformer-kit/tokenizer';
 * try {
 *   loadLlama2cTokenizer(new Uint8Array([1, 2]));
 * } catch (e) {
 *   if (e instanceof TokenizerFormatError) console.log(e.fileKind, '|', e.message);
 *   // llama2.c tokenizer.bin | llama2.c tokenizer.bin: 2 bytes is too short for the max_token_length header
 * }
 * ```
 */
export class TokenizerFormatError extends Error {
  constructor(
    readonly fileKind: string,
    detail: string,
  ) {
    super(`${fileKind}: ${detail}`);
    this.name = 'TokenizerFormatError';
  }
}

/**
 * The RangeError thrown for an id outside the vocabulary, shared so every tokenizer words it the same way.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { idOutOfRange } from './packages/tokenizer/src/tokenizer-error';
 * console.log(idOutOfRange(512, 512).message); // token id 512 is out of range: the vocabulary has ids 0..511
 * ```
 */
export function idOutOfRange(id: number, vocabSize: number): RangeError {
  return new RangeError(`token id ${id} is out of range: the vocabulary has ids 0..${vocabSize - 1}`);
}
