/**
 * Token strings by id, read on demand. A large vocabulary read from a file's bytes (Gemma 3: 262k tokens) keeps
 * its tokens as one decoded text and offsets, and makes a token's string only when it is asked for (decode,
 * idToToken), so a load builds no string per token; a plain array of strings is one too (the internal `tokenListOf` wraps one).
 *
 * @example
 * ```ts
 * import { SentencePieceBpe, type TokenList } from '@transformer-kit/tokenizer';
 * const words = ['<unk>', '<s>', '</s>', '▁', 'h', 'i', '▁h', '▁hi'];
 * // any object with these four members; here one that makes each string when it is asked for
 * const tokens: TokenList = {
 *   length: words.length,
 *   at: (id) => words[id].slice(0),
 *   units: (id) => words[id].length,
 *   indexOf: (token) => words.indexOf(token),
 * };
 * const spm = new SentencePieceBpe({ tokens, scores: [0, 0, 0, -1, -2, -3, -4, -5], specialTokenIds: { unk: 0, bos: 1, eos: 2 } });
 * console.log(spm.encode('hi'), spm.idToToken(7)); // [ 1, 7 ] ▁hi
 * ```
 */
export interface TokenList {
  /** The number of tokens (ids 0..length-1). */
  readonly length: number;
  /** The token with this id. */
  at(id: number): string;
  /** The length of the token with this id in UTF-16 units (`at(id).length`, without making the string). */
  units(id: number): number;
  /** The first id whose token is this string, or -1. */
  indexOf(token: string): number;
  /** Optional: `at(id).charCodeAt(index)` without making the string (a loader reads a vocabulary's shape with it). */
  unitAt?(id: number, index: number): number;
}

/**
 * A {@link TokenList} over an array of token strings (the array itself is kept, not copied).
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { tokenListOf } from './packages/tokenizer/src/token-list';
 * const list = tokenListOf(['a', 'bc']);
 * console.log(list.length, list.at(1), list.units(1), list.indexOf('a')); // 2 bc 2 0
 * ```
 */
export function tokenListOf(tokens: readonly string[]): TokenList {
  return new ArrayTokens(tokens);
}

// NOTE: classes, not object literals of closures: a hot loop over a vocabulary calls these methods, and the
// engine compiles such a call for the class's methods once, where it would compile it for the closures of one
// load and throw the code away with them at the next
class ArrayTokens implements TokenList {
  readonly length: number;
  constructor(private readonly tokens: readonly string[]) {
    this.length = tokens.length;
  }
  at(id: number): string {
    return this.tokens[id];
  }
  units(id: number): number {
    return this.tokens[id].length;
  }
  indexOf(token: string): number {
    return this.tokens.indexOf(token);
  }
  unitAt(id: number, index: number): number {
    return this.tokens[id].charCodeAt(index);
  }
}

/**
 * The UTF-16 unit at `index` of token `id` (NaN past its end), without making the token's string when the list
 * can say it ({@link TokenList.unitAt}).
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { tokenUnitAt, tokenListOf } from './packages/tokenizer/src/token-list';
 * console.log(tokenUnitAt(tokenListOf(['a', 'bc']), 1, 1)); // 99
 * ```
 */
export function tokenUnitAt(tokens: TokenList, id: number, index: number): number {
  return tokens.unitAt ? tokens.unitAt(id, index) : tokens.at(id).charCodeAt(index);
}

/**
 * Every token of a {@link TokenList} as an array of strings (the array itself when it was made from one).
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { allTokens, tokenListOf } from './packages/tokenizer/src/token-list';
 * console.log(allTokens(tokenListOf(['a', 'b']))); // [ 'a', 'b' ]
 * ```
 */
export function allTokens(tokens: TokenList | readonly string[]): readonly string[] {
  if (Array.isArray(tokens)) return tokens;
  const list = tokens as TokenList;
  const out = new Array<string>(list.length);
  for (let id = 0; id < list.length; id++) out[id] = list.at(id);
  return out;
}
