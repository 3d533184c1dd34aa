import { parseByteToken } from '../byte-token';
import { SentencePieceBpe } from '../sentencepiece-bpe';
import { TOKEN_TYPE } from '../token-type';
import { tokenUnitAt, type TokenList } from '../token-list';
import { TokenizerFormatError } from '../tokenizer-error';
import type { TokenizerJsonParts } from './read-tokenizer-json-parts';
import { preview } from './tokenizer-json-checks';
import { findComponent, flattenComponents } from './tokenizer-json-parts';
import { splitRule } from './tokenizer-json-splits';

/**
 * A SentencePiece-style BPE (Llama 2, Gemma) from a tokenizer.json's `model` (BPE, `byte_fallback`) and its
 * Metaspace pre-tokenizer or Prepend('▁') + Replace(' ', '▁') normalizer, with any Split steps.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { readTokenizerJsonParts } from './packages/tokenizer/src/loaders/read-tokenizer-json-parts';
 * import { sentencePieceBpeFromJson } from './packages/tokenizer/src/loaders/sentence-piece-bpe-from-json';
 * const vocab = { '<unk>': 0, '▁': 1, h: 2, i: 3, '▁h': 4, '▁hi': 5 };
 * const parts = readTokenizerJsonParts({ model: { type: 'BPE', byte_fallback: true, unk_token: '<unk>', vocab, merges: ['▁ h', '▁h i'] }, pre_tokenizer: { type: 'Metaspace', replacement: '▁' } });
 * console.log(sentencePieceBpeFromJson(parts, [['▁', 'h'], ['▁h', 'i']]).encode('hi')); // [ 5 ]
 * ```
 */
export function sentencePieceBpeFromJson(parts: TokenizerJsonParts, merges: Array<[string, string]> | undefined): SentencePieceBpe {
  const { root, tokens, added, specialTokenIds: ids, template, mergeIds } = parts;
  const metaspace = findComponent(root.pre_tokenizer, 'Metaspace');
  const prepend = findComponent(root.normalizer, 'Prepend');
  const space = typeof metaspace?.replacement === 'string' ? metaspace.replacement : '\u2581';
  const dummy = metaspace
    ? metaspace.prepend_scheme !== undefined
      ? metaspace.prepend_scheme !== 'never'
      : metaspace.add_prefix_space !== false
    : prepend !== undefined;
  // NOTE: one typed array filled in passes (not a Map lookup per token): Gemma 3 has 262k tokens
  const tokenTypes = new Uint8Array(tokens.length).fill(TOKEN_TYPE.normal);
  // NOTE: in chunks, so that the loop is a function the engine optimizes once for every load (see readPieces); the
  // last ids first (the order does not matter here), which are the added tokens a vocabulary's keys do not have
  const tail = Math.max(0, tokens.length - 64);
  markByteTokens(tokens, tokenTypes, tail, tokens.length);
  for (let id = 0; id < tail; id += 4096) markByteTokens(tokens, tokenTypes, id, Math.min(tail, id + 4096));
  if (ids.unk !== undefined) tokenTypes[ids.unk] = TOKEN_TYPE.unknown;
  // NOTE: an added token's type wins over the unk id: Gemma's and Llama's '<unk>' is an added special token, which
  // Hugging Face matches in text like any other (as a control token here), not a vocabulary-only unknown piece.
  // For an id listed twice the last entry wins.
  for (const a of added) tokenTypes[a.id] = a.special ? TOKEN_TYPE.control : TOKEN_TYPE.userDefined;
  const splits = flattenComponents(root.pre_tokenizer).flatMap((p, i) => {
    if (p.type === 'Metaspace') return [];
    if (p.type === 'Split') return [splitRule(p, `pre_tokenizer step ${i} (Split)`)];
    throw new TokenizerFormatError('tokenizer.json', `pre_tokenizer ${preview(p.type)} is not supported with a SentencePiece-style BPE (supported: Metaspace, Split)`);
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
    fileKind: 'tokenizer.json',
  });
}

// marks the ids in [from, to) whose token is a byte token (`<0xXX>`)
function markByteTokens(tokens: TokenList, types: Uint8Array, from: number, to: number): void {
  for (let id = from; id < to; id++) {
    if (tokens.units(id) === 6 && tokenUnitAt(tokens, id, 0) === 0x3c && parseByteToken(tokens.at(id)) >= 0) types[id] = TOKEN_TYPE.byte;
  }
}
