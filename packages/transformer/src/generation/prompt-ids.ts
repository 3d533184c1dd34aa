import type { Tokenizer } from '@transformer-kit/tokenizer';

/**
 * The ids `generate` starts from: the prompt encoded with the tokenizer's default special tokens (BOS for
 * Llama), or the ids as given; an empty prompt becomes the tokenizer's BOS (else EOS — GPT-2 starts documents
 * with <|endoftext|>), since a model needs one position to predict from.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { loadLlama2cTokenizer } from '@transformer-kit/tokenizer';
 * import { promptIds } from '@transformer-kit/transformer';
 * const tokenizer = loadLlama2cTokenizer(readFileSync('../shared/models/stories260K/tok512.bin'));
 * console.log(promptIds(tokenizer, 'Once upon a time'), promptIds(tokenizer, '')); // [ 1, 403, 407, 261, 378 ] [ 1 ]
 * ```
 */
export function promptIds(tokenizer: Tokenizer, prompt: string | readonly number[], options: { addSpecialTokens?: boolean } = {}): number[] {
  const ids = typeof prompt === 'string' ? tokenizer.encode(prompt, { addSpecialTokens: options.addSpecialTokens ?? true }) : [...prompt];
  if (ids.length > 0) return ids;
  const start = tokenizer.specialTokenIds.bos ?? tokenizer.specialTokenIds.eos;
  if (start === undefined) throw new Error('generate: the prompt is empty and the tokenizer has no BOS/EOS token to start from');
  return [start];
}
