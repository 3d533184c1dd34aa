/**
 * A tokenizer and a model belong together only if every token id has a row in the model's embedding: a
 * 32,000-token Llama 2 tokenizer driving the 512-row stories260K would read past the embedding or print
 * garbage. llama2.c's tokenizer.bin has no token count of its own (run.c reads vocab_size entries), so its
 * tokens must match the rows exactly; other formats may have fewer tokens than rows (Qwen2 pads its
 * embedding), never more, and their special ids must be rows.
 */
import type { Tokenizer } from '@transformer-kit/tokenizer';

/** Names for the messages, and whether the counts must be equal. */
export interface TokenizerFitOptions {
  /** The model, for messages ('stories260K.bin'). */
  readonly model: string;
  /** The tokenizer, for messages ('tokenizer.bin'). */
  readonly tokenizer: string;
  /** Token count must equal the rows (llama2.c's tokenizer.bin). Default false: at most the rows. */
  readonly exact?: boolean;
}

/**
 * Throws unless `tokenizer` fits a model whose embedding has `rows` rows: its vocabulary (exactly, or at most)
 * and every special token id.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { loadLlama2cTokenizer } from '@transformer-kit/tokenizer';
 * import { checkTokenizerFitsModel } from '@transformer-kit/transformer';
 * const llama2 = loadLlama2cTokenizer(readFileSync('../shared/tokenizers/llama2/tokenizer.bin'));
 * try {
 *   checkTokenizerFitsModel(llama2, 512, { model: 'stories260K.bin', tokenizer: 'tokenizer.bin', exact: true });
 * } catch (e) {
 *   console.log((e as Error).message); // tokenizer.bin has 32000 tokens but the embedding of stories260K.bin has 512 rows: they do not belong together (a llama2.c tokenizer must have exactly one token per row)
 * }
 * ```
 */
export function checkTokenizerFitsModel(tokenizer: Tokenizer, rows: number, options: TokenizerFitOptions): void {
  const n = tokenizer.vocabSize;
  if (options.exact ? n !== rows : n > rows) {
    const rule = options.exact ? 'a llama2.c tokenizer must have exactly one token per row' : 'every token id needs an embedding row';
    throw new Error(`${options.tokenizer} has ${n} tokens but the embedding of ${options.model} has ${rows} rows: they do not belong together (${rule})`);
  }
  for (const [kind, id] of Object.entries(tokenizer.specialTokenIds)) {
    if (id !== undefined && !(Number.isInteger(id) && id >= 0 && id < rows)) {
      throw new Error(`${options.tokenizer}: the ${kind} token id ${id} is not a row of the embedding of ${options.model} (${rows} rows)`);
    }
  }
}
