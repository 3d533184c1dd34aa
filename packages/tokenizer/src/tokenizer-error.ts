/**
 * A file or object that cannot be a tokenizer: the message names the kind of file (`tokenizer.json`,
 * `llama2.c tokenizer.bin`, `vocab.bpe`, …) and what was wrong with it.
 *
 * @example
 * try { loadLlama2cTokenizer(bytes); } catch (e) { if (e instanceof TokenizerFormatError) console.log(e.fileKind); }
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
 * if (id >= vocabSize) throw idOutOfRange(id, vocabSize);
 */
export function idOutOfRange(id: number, vocabSize: number): RangeError {
  return new RangeError(`token id ${id} is out of range: the vocabulary has ids 0..${vocabSize - 1}`);
}
