import type { BertNormalizerOptions } from '../bert-normalizer';
import type { SpecialTokenIds } from '../tokenizer';
import { TokenizerFormatError } from '../tokenizer-error';
import { WordPiece } from '../wordpiece';

/**
 * Builds a BERT WordPiece tokenizer from `vocab.txt` (one token per line, the line number is the id). Special
 * ids are found by name ([UNK], [CLS], [SEP], [PAD], [MASK]). The normalizer defaults to BERT uncased; pass
 * `{ lowercase: false }` for a cased model.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { loadBertVocab } from '@transformer-kit/tokenizer';
 * const bert = loadBertVocab(readFileSync('../shared/tokenizers/bert-base-uncased/vocab.txt', 'utf8'));
 * console.log(bert.encode('Hello world!')); // [ 101, 7592, 2088, 999, 102 ]
 * ```
 */
export function loadBertVocab(vocabTxt: string, normalizer: BertNormalizerOptions | null = {}): WordPiece {
  const lines = vocabTxt.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new TokenizerFormatError('vocab.txt', 'empty file');
  return new WordPiece({ vocab: lines, normalizer, specialTokenIds: findBertSpecialIds(lines, 'vocab.txt'), fileKind: 'vocab.txt' });
}

/**
 * The ids of [UNK], [CLS], [SEP], [PAD] and [MASK] in a WordPiece vocabulary; [UNK] is required.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { findBertSpecialIds } from './packages/tokenizer/src/loaders/load-bert-vocab';
 * console.log(findBertSpecialIds(['[PAD]', '[UNK]', 'the'], 'vocab.txt')); // { pad: 0, unk: 1 }
 * ```
 */
export function findBertSpecialIds(tokens: readonly string[], fileKind: string): SpecialTokenIds {
  const ids: SpecialTokenIds = {};
  const names = { '[UNK]': 'unk', '[CLS]': 'cls', '[SEP]': 'sep', '[PAD]': 'pad', '[MASK]': 'mask' } as const;
  tokens.forEach((t, id) => {
    const key = names[t as keyof typeof names];
    if (key && ids[key] === undefined) ids[key] = id;
  });
  if (ids.unk === undefined) throw new TokenizerFormatError(fileKind, 'no [UNK] token');
  return ids;
}
