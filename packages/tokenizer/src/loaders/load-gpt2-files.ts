import { ByteLevelBpe, type ByteLevelBpeOptions } from '../byte-level-bpe';
import { TokenizerFormatError } from '../tokenizer-error';
import { parseJson, parseMerges } from './parse-merges';

/**
 * Builds GPT-2's tokenizer from OpenAI's `encoder.json` + `vocab.bpe` (the same files as Hugging Face's
 * `vocab.json` + `merges.txt`), given as text. `<|endoftext|>` becomes the special token (BOS = EOS = it).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { loadGpt2Files } from '@transformer-kit/tokenizer';
 * // in a browser: (await fetch(url)).text() for each file
 * const gpt2 = loadGpt2Files(
 *   readFileSync('../shared/tokenizers/gpt2/encoder.json', 'utf8'),
 *   readFileSync('../shared/tokenizers/gpt2/vocab.bpe', 'utf8'),
 * );
 * console.log(gpt2.encode('Hello world')); // [ 15496, 995 ]
 * ```
 */
export function loadGpt2Files(encoderJson: string, vocabBpe: string, options: Partial<ByteLevelBpeOptions> = {}): ByteLevelBpe {
  const vocab = parseJson(encoderJson, 'encoder.json');
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab)) {
    throw new TokenizerFormatError('encoder.json', 'expected an object of token → id');
  }
  for (const [token, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) throw new TokenizerFormatError('encoder.json', `token ${JSON.stringify(token)} has id ${JSON.stringify(id)}, not a non-negative integer`);
  }
  const merges = parseMerges(vocabBpe, 'vocab.bpe');
  const ids = vocab as Record<string, number>;
  const eot = ids['<|endoftext|>'];
  return new ByteLevelBpe({
    vocab: ids,
    merges,
    pattern: 'gpt2',
    specialTokens: eot === undefined ? {} : { '<|endoftext|>': eot },
    specialTokenIds: eot === undefined ? {} : { bos: eot, eos: eot },
    fileKind: 'encoder.json/vocab.bpe',
    ...options,
  });
}
