// What every family's reader of a tokenizer.json needs, read and checked once: the file parsed (through the fast
// reader of model.vocab / model.merges when it has the usual shape), the tokens by id (from the fast reader: no
// string per token until one is asked for), the added tokens, the special-token ids and the post-processor's
// framing ids.
import type { SpecialTokenIds } from '../tokenizer';
import { tokenListOf, type TokenList } from '../token-list';
import { TokenizerFormatError } from '../tokenizer-error';
import { parseJson } from './parse-merges';
import { scanTokenizerJson } from './scan-tokenizer-json';
import { checkDepth, preview, readAddedTokens, tokensById, type AddedToken } from './tokenizer-json-checks';
import { postProcessorTemplate, type JsonObject } from './tokenizer-json-parts';
import { vocabTokenList } from './vocab-token-list';

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
 * A tokenizer.json read and checked: each family's reader takes its own sections from here.
 *
 * @example
 * ```ts
 * // an internal type (not exported by the package), imported here from its source file
 * import { readTokenizerJsonParts, type TokenizerJsonParts } from './packages/tokenizer/src/loaders/read-tokenizer-json-parts';
 * const parts: TokenizerJsonParts = readTokenizerJsonParts('{"model":{"type":"WordPiece","unk_token":"[UNK]","vocab":{"[UNK]":0,"hi":1}}}');
 * console.log(parts.tokens.at(1), parts.vocabEntries().keys, parts.specialTokenIds); // hi [ '[UNK]', 'hi' ] { unk: 0 }
 * ```
 */
export interface TokenizerJsonParts {
  root: JsonObject;
  model: JsonObject;
  /** `model.vocab`'s keys, and their (checked) ids in the same order (the keys made on the call, for a scanned file). */
  vocabEntries(): { keys: readonly string[]; ids: ArrayLike<number> };
  /** Token strings by id, from model.vocab and added_tokens. */
  tokens: TokenList;
  added: AddedToken[];
  specialTokenIds: SpecialTokenIds;
  /** The post-processor's ids before and after a sequence. */
  template: { prefix: number[]; suffix: number[] };
  /** `model.merges` as `[left, right, merged]` ids when the fast reader resolved them. */
  mergeIds: Int32Array | undefined;
}

/**
 * Reads a tokenizer.json (bytes, text or parsed object) into {@link TokenizerJsonParts}, checking the structure
 * every family relies on.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { readTokenizerJsonParts } from './packages/tokenizer/src/loaders/read-tokenizer-json-parts';
 * const parts = readTokenizerJsonParts(new TextEncoder().encode('{"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]}}'));
 * console.log(parts.mergeIds); // Int32Array(3) [ 0, 1, 2 ]
 * ```
 */
export function readTokenizerJsonParts(json: string | Uint8Array | ArrayBuffer | object): TokenizerJsonParts {
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
  for (const field of ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder'] as const) checkDepth(root[field], field);
  const added = readAddedTokens(root.added_tokens);
  const vocab = scanned?.vocab;
  const vocabKeys = vocab ? undefined : Object.keys(vocabObject);
  const values: ArrayLike<unknown> = vocab ? vocab.ids : Object.values(vocabObject);
  const tokens = vocab ? vocabTokenList(vocab, added) : tokenListOf(tokensById(vocabKeys!, values, added));
  const vocabIds = values as ArrayLike<number>; // checked integers from here on
  const vocabEntries = () => ({ keys: vocabKeys ?? vocab!.keys(), ids: vocabIds });
  const specialTokenIds: SpecialTokenIds = {};
  for (const a of added.filter((x) => x.special !== false)) {
    const key = SPECIAL_NAMES[a.content];
    if (key && specialTokenIds[key] === undefined) specialTokenIds[key] = a.id;
  }
  const unk = typeof model.unk_token !== 'string' ? -1 : vocab ? vocab.keyNumber(model.unk_token) : vocabKeys!.indexOf(model.unk_token);
  if (unk >= 0) specialTokenIds.unk = vocabIds[unk];
  const template = postProcessorTemplate(root.post_processor as JsonObject | null | undefined, tokens);
  return { root, model, vocabEntries, tokens, added, specialTokenIds, template, mergeIds: scanned?.merges };
}
