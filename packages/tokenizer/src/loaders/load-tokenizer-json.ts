import { ByteLevelBpe } from '../byte-level-bpe';
import { SentencePieceBpe } from '../sentencepiece-bpe';
import type { SpecialTokenIds, Tokenizer } from '../tokenizer';
import { TokenizerFormatError } from '../tokenizer-error';
import { TOKEN_TYPE } from '../token-type';
import { parseByteToken } from '../byte-token';
import { WordPiece } from '../wordpiece';
import { parseJson } from './parse-merges';
import { checkDepth, preview, readAddedTokens, tokensById } from './tokenizer-json-checks';
import { scanTokenizerJson } from './scan-tokenizer-json';
import { postProcessorTemplate, type JsonObject } from './tokenizer-json-parts';
import { byteLevelPipeline, splitRule } from './tokenizer-json-splits';

const KIND = 'tokenizer.json';
const utf8 = new TextDecoder();

const SPECIAL_NAMES: Record<string, keyof SpecialTokenIds> = {
  '<s>': 'bos',
  '<|begin_of_text|>': 'bos',
  '</s>': 'eos',
  '<|end_of_text|>': 'eos',
  '<|endoftext|>': 'eos',
  '<unk>': 'unk',
  '<pad>': 'pad',
  '[UNK]': 'unk',
  '[CLS]': 'cls',
  '[SEP]': 'sep',
  '[PAD]': 'pad',
  '[MASK]': 'mask',
  '<mask>': 'mask',
};

/**
 * Builds a tokenizer from a Hugging Face `tokenizer.json` (text or parsed object). Supported: model `BPE` with a
 * ByteLevel pre-tokenizer/decoder (GPT-2, RoBERTa, Llama 3 with a Split regex), model `BPE` of Llama style
 * (Metaspace, or a Prepend('▁') + Replace(' ', '▁') normalizer, `byte_fallback`), and model `WordPiece` with a
 * BertNormalizer (BERT). Added special tokens and the post-processor's template (BOS, [CLS]/[SEP]) are honoured.
 *
 * @example
 * ```ts
 * import { loadTokenizerJson } from '@transformer-kit/tokenizer';
 * // a real file comes from (await fetch(url)).text() or readFileSync; this is a minimal WordPiece one
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
  const input = json instanceof ArrayBuffer ? new Uint8Array(json) : json;
  // a text or its bytes go through the fast reader of model.vocab / model.merges when the file has the usual shape
  const scanned = typeof input === 'string' || input instanceof Uint8Array ? scanTokenizerJson(input) : undefined;
  const root = (
    scanned ? scanned.root : typeof input === 'string' ? parseJson(input, KIND) : input instanceof Uint8Array ? parseJson(utf8.decode(input), KIND) : input
  ) as JsonObject;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new TokenizerFormatError(KIND, 'the file is not a JSON object');
  const model = root.model as JsonObject | undefined;
  if (!model || typeof model !== 'object' || Array.isArray(model)) throw new TokenizerFormatError(KIND, 'no "model" object');
  const vocabObject = model.vocab as Record<string, number> | undefined;
  if (!vocabObject || typeof vocabObject !== 'object' || Array.isArray(vocabObject)) {
    throw new TokenizerFormatError(KIND, `model.vocab is missing or not an object of token → id (model type ${preview(model.type)})`);
  }
  const keys = scanned ? scanned.keys : Object.keys(vocabObject);
  const values: ArrayLike<unknown> = scanned ? scanned.ids : Object.values(vocabObject);
  for (const field of ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder'] as const) checkDepth(root[field], field);
  const added = readAddedTokens(root.added_tokens);
  const tokens = tokensById(keys, values, added);
  // ids are checked integers from here on
  const vocabId = (token: string): number | undefined => {
    const i = keys.indexOf(token);
    return i < 0 ? undefined : (values[i] as number);
  };
  const ids: SpecialTokenIds = {};
  for (const a of added.filter((x) => x.special !== false)) {
    const key = SPECIAL_NAMES[a.content];
    if (key && ids[key] === undefined) ids[key] = a.id;
  }
  if (typeof model.unk_token === 'string' && vocabId(model.unk_token) !== undefined) ids.unk = vocabId(model.unk_token);
  const template = postProcessorTemplate(root.post_processor as JsonObject | null | undefined, tokens);
  const components = [...types(root.normalizer), ...types(root.pre_tokenizer), ...types(root.decoder)];

  if (model.type === 'WordPiece') {
    const n = findType(root.normalizer, 'BertNormalizer');
    return new WordPiece({
      vocab: tokens,
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
      specialTokenIds: ids,
      fileKind: KIND,
    });
  }
  if (model.type !== 'BPE') throw new TokenizerFormatError(KIND, `unsupported model type ${preview(model.type)} (expected BPE or WordPiece)`);
  // merges: id triples from the fast reader, or token pairs resolved when the tables are built
  const mergeIds = scanned?.merges;
  const merges = mergeIds ? undefined : parseJsonMerges(model.merges);

  if (components.includes('ByteLevel')) {
    const preTokenizers = flatten(root.pre_tokenizer);
    // a file with a ByteLevel decoder but no pre-tokenizer is GPT-2's default pipeline
    const pipeline = byteLevelPipeline(preTokenizers.length > 0 ? preTokenizers : [{ type: 'ByteLevel' }], flatten(root.normalizer));
    const special: Record<string, number> = {};
    const nonSpecial: Record<string, number> = {};
    for (const a of added) (a.special ? special : nonSpecial)[a.content] = a.id;
    return new ByteLevelBpe({
      vocab: new Map(keys.map((k, i) => [k, values[i] as number])),
      merges,
      mergeIds,
      ...pipeline,
      ignoreMerges: model.ignore_merges === true,
      specialTokens: special,
      addedTokens: nonSpecial,
      specialTokenIds: ids,
      prefixIds: template.prefix,
      suffixIds: template.suffix,
      fileKind: KIND,
    });
  }

  const metaspace = findType(root.pre_tokenizer, 'Metaspace');
  const prepend = findType(root.normalizer, 'Prepend');
  if (metaspace || prepend || model.byte_fallback === true) {
    const space = typeof metaspace?.replacement === 'string' ? metaspace.replacement : '\u2581';
    const dummy = metaspace
      ? metaspace.prepend_scheme !== undefined
        ? metaspace.prepend_scheme !== 'never'
        : metaspace.add_prefix_space !== false
      : prepend !== undefined;
    const addedType = new Map(added.map((a) => [a.id, a.special ? TOKEN_TYPE.control : TOKEN_TYPE.userDefined]));
    const tokenTypes = tokens.map((t, id) =>
      id === ids.unk ? TOKEN_TYPE.unknown : (addedType.get(id) ?? (parseByteToken(t) >= 0 ? TOKEN_TYPE.byte : TOKEN_TYPE.normal)),
    );
    const splits = flatten(root.pre_tokenizer).flatMap((p, i) => {
      if (p.type === 'Metaspace') return [];
      if (p.type === 'Split') return [splitRule(p, `pre_tokenizer step ${i} (Split)`)];
      throw new TokenizerFormatError(KIND, `pre_tokenizer ${preview(p.type)} is not supported with a SentencePiece-style BPE (supported: Metaspace, Split)`);
    });
    return new SentencePieceBpe({
      splits,
      tokens,
      merges,
      mergeIds,
      tokenTypes,
      spaceSymbol: space,
      addDummyPrefix: dummy,
      specialTokenIds: ids,
      addBos: ids.bos !== undefined && template.prefix.includes(ids.bos),
      addEos: ids.eos !== undefined && template.suffix.includes(ids.eos),
      fileKind: KIND,
    });
  }
  throw new TokenizerFormatError(KIND, `a BPE model with neither a ByteLevel nor a Metaspace/Prepend('▁') pipeline (found: ${components.join(', ') || 'none'})`);
}

function parseJsonMerges(merges: unknown): Array<[string, string]> {
  if (!Array.isArray(merges)) throw new TokenizerFormatError(KIND, 'model.merges is missing');
  return merges.map((m, i) => {
    if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') return [m[0], m[1]];
    if (typeof m === 'string') {
      const parts = m.split(' ');
      if (parts.length === 2) return [parts[0], parts[1]];
    }
    throw new TokenizerFormatError(KIND, `model.merges[${i}] is neither "a b" nor ["a", "b"] (got ${preview(m)})`);
  });
}

function flatten(node: unknown): JsonObject[] {
  if (!node || typeof node !== 'object') return [];
  const o = node as JsonObject;
  const children = (o.normalizers ?? o.pretokenizers ?? o.decoders) as unknown[] | undefined;
  return o.type === 'Sequence' && Array.isArray(children) ? children.flatMap(flatten) : [o];
}

function types(node: unknown): string[] {
  return flatten(node).map((o) => (typeof o.type === 'string' ? o.type : preview(o.type)));
}

function findType(node: unknown, type: string): JsonObject | undefined {
  return flatten(node).find((o) => o.type === type);
}
