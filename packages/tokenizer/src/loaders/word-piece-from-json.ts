import { allTokens } from '../token-list';
import { WordPiece } from '../wordpiece';
import type { TokenizerJsonParts } from './read-tokenizer-json-parts';
import { findComponent } from './tokenizer-json-parts';

/**
 * A WordPiece tokenizer from a tokenizer.json's `model` (WordPiece) and its `BertNormalizer`, if any.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { readTokenizerJsonParts } from './packages/tokenizer/src/loaders/read-tokenizer-json-parts';
 * import { wordPieceFromJson } from './packages/tokenizer/src/loaders/word-piece-from-json';
 * const parts = readTokenizerJsonParts({ model: { type: 'WordPiece', unk_token: '[UNK]', vocab: { '[UNK]': 0, hi: 1, '##s': 2 } } });
 * console.log(wordPieceFromJson(parts).encode('his')); // [ 1, 2 ]
 * ```
 */
export function wordPieceFromJson({ root, model, tokens, specialTokenIds }: TokenizerJsonParts): WordPiece {
  const n = findComponent(root.normalizer, 'BertNormalizer');
  return new WordPiece({
    vocab: allTokens(tokens),
    continuingSubwordPrefix: typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : '##',
    maxInputCharsPerWord: typeof model.max_input_chars_per_word === 'number' ? model.max_input_chars_per_word : 100,
    normalizer: n
      ? {
          cleanText: n.clean_text !== false,
          handleChineseChars: n.handle_chinese_chars !== false,
          lowercase: n.lowercase !== false,
          stripAccents: typeof n.strip_accents === 'boolean' ? n.strip_accents : undefined,
        }
      : null,
    specialTokenIds,
    fileKind: 'tokenizer.json',
  });
}
