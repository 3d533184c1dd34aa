import { ByteLevelBpe } from '../byte-level-bpe';
import type { TokenizerJsonParts } from './read-tokenizer-json-parts';
import { flattenComponents } from './tokenizer-json-parts';
import { byteLevelPipeline } from './tokenizer-json-splits';

/**
 * A byte-level BPE (GPT-2, RoBERTa, Llama 3, Qwen) from a tokenizer.json's `model` (BPE) and its ByteLevel
 * pipeline: the pre-tokenizer's Split regexes and ByteLevel step, an NFC normalizer, added tokens.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { byteLevelAlphabet } from '@transformer-kit/tokenizer';
 * import { readTokenizerJsonParts } from './packages/tokenizer/src/loaders/read-tokenizer-json-parts';
 * import { byteLevelBpeFromJson } from './packages/tokenizer/src/loaders/byte-level-bpe-from-json';
 * const vocab: Record<string, number> = {};
 * byteLevelAlphabet().byteToChar.forEach((c, b) => (vocab[c] = b));
 * vocab['ab'] = 256;
 * const parts = readTokenizerJsonParts({ model: { type: 'BPE', vocab, merges: ['a b'] }, pre_tokenizer: { type: 'ByteLevel' } });
 * console.log(byteLevelBpeFromJson(parts, [['a', 'b']]).encode('abc')); // [ 256, 99 ]
 * ```
 */
export function byteLevelBpeFromJson(parts: TokenizerJsonParts, merges: Array<[string, string]> | undefined): ByteLevelBpe {
  const { root, model, added, specialTokenIds, template, mergeIds } = parts;
  const { keys: vocabKeys, ids: vocabIds } = parts.vocabEntries();
  const preTokenizers = flattenComponents(root.pre_tokenizer);
  // a file with a ByteLevel decoder but no pre-tokenizer is GPT-2's default pipeline
  const pipeline = byteLevelPipeline(preTokenizers.length > 0 ? preTokenizers : [{ type: 'ByteLevel' }], flattenComponents(root.normalizer));
  const special: Record<string, number> = {};
  const nonSpecial: Record<string, number> = {};
  for (const a of added) (a.special ? special : nonSpecial)[a.content] = a.id;
  const vocab = new Map<string, number>();
  for (let k = 0; k < vocabKeys.length; k++) vocab.set(vocabKeys[k], vocabIds[k]);
  return new ByteLevelBpe({
    vocab,
    merges,
    mergeIds,
    ...pipeline,
    ignoreMerges: model.ignore_merges === true,
    specialTokens: special,
    addedTokens: nonSpecial,
    specialTokenIds,
    prefixIds: template.prefix,
    suffixIds: template.suffix,
    fileKind: 'tokenizer.json',
  });
}
