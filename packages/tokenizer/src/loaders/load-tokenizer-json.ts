import type { Tokenizer } from '../tokenizer';
import { TokenizerFormatError } from '../tokenizer-error';
import { byteLevelBpeFromJson } from './byte-level-bpe-from-json';
import { readTokenizerJsonParts } from './read-tokenizer-json-parts';
import { sentencePieceBpeFromJson } from './sentence-piece-bpe-from-json';
import { preview } from './tokenizer-json-checks';
import { findComponent, flattenComponents, mergePairs } from './tokenizer-json-parts';
import { wordPieceFromJson } from './word-piece-from-json';

const KIND = 'tokenizer.json';

/**
 * Builds a tokenizer from a Hugging Face `tokenizer.json` (its bytes, its text or the parsed object; the bytes are the
 * fast path for a large file). The file is read and checked once, then the family's reader takes its own sections
 * (a short dispatcher). Supported: model `BPE` with a ByteLevel pre-tokenizer/decoder (GPT-2, RoBERTa, Llama 3
 * with a Split regex), model `BPE` of Llama style (Metaspace, or a Prepend('▁') + Replace(' ', '▁') normalizer,
 * `byte_fallback`), and model `WordPiece` with a BertNormalizer (BERT). Added special tokens and the
 * post-processor's template (BOS, [CLS]/[SEP]) are honoured.
 *
 * @example
 * ```ts
 * import { loadTokenizerJson } from '@transformer-kit/tokenizer';
 * // a real file: readFileSync(path) or await (await fetch(url)).arrayBuffer(); this is a minimal WordPiece one
 * const tok = loadTokenizerJson({
 *   normalizer: { type: 'BertNormalizer', lowercase: true },
 *   pre_tokenizer: { type: 'BertPreTokenizer' },
 *   model: { type: 'WordPiece', unk_token: '[UNK]', vocab: { '[UNK]': 0, '[CLS]': 1, '[SEP]': 2, hello: 3, world: 4 } },
 *   added_tokens: [
 *     { id: 1, content: '[CLS]', special: true },
 *     { id: 2, content: '[SEP]', special: true },
 *   ],
 *   post_processor: { type: 'BertProcessing', cls: ['[CLS]', 1], sep: ['[SEP]', 2] },
 * });
 * console.log(tok.kind, tok.encode('Hello World')); // wordpiece [ 1, 3, 4, 2 ]
 * ```
 */
export function loadTokenizerJson(json: string | Uint8Array | ArrayBuffer | object): Tokenizer {
  const parts = readTokenizerJsonParts(json);
  const { root, model } = parts;
  if (model.type === 'WordPiece') return wordPieceFromJson(parts);
  if (model.type !== 'BPE') throw new TokenizerFormatError(KIND, `unsupported model type ${preview(model.type)} (expected BPE or WordPiece)`);
  // merges: id triples from the fast reader, or token pairs resolved when the merge table is built
  const merges = parts.mergeIds ? undefined : mergePairs(model.merges);
  const components = [root.normalizer, root.pre_tokenizer, root.decoder].flatMap(flattenComponents).map((o) => (typeof o.type === 'string' ? o.type : preview(o.type)));
  if (components.includes('ByteLevel')) return byteLevelBpeFromJson(parts, merges);
  if (findComponent(root.pre_tokenizer, 'Metaspace') || findComponent(root.normalizer, 'Prepend') || model.byte_fallback === true) {
    return sentencePieceBpeFromJson(parts, merges);
  }
  throw new TokenizerFormatError(KIND, `a BPE model with neither a ByteLevel nor a Metaspace/Prepend('▁') pipeline (found: ${components.join(', ') || 'none'})`);
}
