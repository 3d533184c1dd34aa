// The structural rules of a `tokenizer.json` that the loader relies on, checked before anything is built, so a
// lying or damaged file gets a TokenizerFormatError naming the field instead of an engine error or a silently
// overwritten token.
import { TokenizerFormatError } from '../tokenizer-error';
import type { JsonObject } from './tokenizer-json-parts';

const KIND = 'tokenizer.json';

/** How deep a normalizer / pre-tokenizer / post-processor / decoder may nest (real files use 2 or 3 levels). */
export const MAX_COMPONENT_DEPTH = 64;

/**
 * An entry of `added_tokens`, checked.
 *
 * @example
 * ```ts
 * // an internal type (not exported by the package), imported here from its source file
 * import type { AddedToken } from './packages/tokenizer/src/loaders/tokenizer-json-checks';
 * const eos: AddedToken = { id: 2, content: '</s>', special: true };
 * console.log(eos.content); // </s>
 * ```
 */
export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
}

/**
 * Refuses a pipeline component (`normalizer`, `pre_tokenizer`, …) nested deeper than {@link MAX_COMPONENT_DEPTH},
 * walking it without recursion so a 20,000-deep file cannot overflow the stack.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { checkDepth } from './packages/tokenizer/src/loaders/tokenizer-json-checks';
 * let deep: object = { type: 'NFC' };
 * for (let i = 0; i < 100; i++) deep = { type: 'Sequence', normalizers: [deep] };
 * try {
 *   checkDepth(deep, 'normalizer');
 * } catch (e) {
 *   console.log((e as Error).message); // tokenizer.json: normalizer is nested more than 64 levels deep
 * }
 * ```
 */
export function checkDepth(node: unknown, field: string): void {
  const stack: Array<[unknown, number]> = [[node, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_COMPONENT_DEPTH) throw new TokenizerFormatError(KIND, `${field} is nested more than ${MAX_COMPONENT_DEPTH} levels deep`);
    for (const child of Object.values(value)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
}

/**
 * `added_tokens`, each an object with a non-negative integer `id` and a string `content`.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { readAddedTokens } from './packages/tokenizer/src/loaders/tokenizer-json-checks';
 * try {
 *   readAddedTokens([null]);
 * } catch (e) {
 *   console.log((e as Error).message); // tokenizer.json: added_tokens[0] must be an object with an integer "id" ≥ 0 and a string "content" (got null)
 * }
 * ```
 */
export function readAddedTokens(value: unknown): AddedToken[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new TokenizerFormatError(KIND, `added_tokens must be an array (got ${typeof value})`);
  return value.map((a: unknown, i) => {
    const o = a as JsonObject | null;
    if (!o || typeof o !== 'object' || !isId(o.id) || typeof o.content !== 'string') {
      throw new TokenizerFormatError(KIND, `added_tokens[${i}] must be an object with an integer "id" ≥ 0 and a string "content" (got ${preview(a)})`);
    }
    return { id: o.id as number, content: o.content, special: o.special !== false };
  });
}

/**
 * Token strings by id from `model.vocab` (its keys and their ids) and `added_tokens`: ids are integers, contiguous from 0, and no id
 * names two different tokens.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { tokensById } from './packages/tokenizer/src/loaders/tokenizer-json-checks';
 * console.log(tokensById(['a', 'b'], [0, 1], [{ id: 2, content: '<s>', special: true }])); // [ 'a', 'b', '<s>' ]
 * try {
 *   tokensById(['a', 'b'], [0, 0], []);
 * } catch (e) {
 *   console.log((e as Error).message); // tokenizer.json: model.vocab gives id 0 to both "a" and "b"
 * }
 * ```
 */
export function tokensById(keys: readonly string[], values: ArrayLike<unknown>, added: readonly AddedToken[]): string[] {
  const limit = keys.length + added.length;
  const tokens: string[] = new Array(limit);
  for (let k = 0; k < keys.length; k++) {
    const token = keys[k];
    const id = values[k];
    if (!isId(id)) throw new TokenizerFormatError(KIND, `model.vocab[${JSON.stringify(token)}] must be an integer id ≥ 0 (got ${preview(id)})`);
    if (id >= limit) throw new TokenizerFormatError(KIND, `model.vocab[${JSON.stringify(token)}] = ${id} leaves ids unused (${limit} tokens; ids must be contiguous from 0)`);
    const other = tokens[id];
    if (other !== undefined) throw new TokenizerFormatError(KIND, `model.vocab gives id ${id} to both ${JSON.stringify(other)} and ${JSON.stringify(token)}`);
    tokens[id] = token;
  }
  const fromAdded = new Map<number, string>();
  added.forEach((a, i) => {
    if (a.id >= limit) throw new TokenizerFormatError(KIND, `added_tokens[${i}] (${JSON.stringify(a.content)}) has id ${a.id}, which leaves ids unused (ids must be contiguous from 0)`);
    const inVocab = tokens[a.id];
    const seen = fromAdded.get(a.id);
    if ((seen !== undefined && seen !== a.content) || (seen === undefined && inVocab !== undefined && inVocab !== a.content)) {
      throw new TokenizerFormatError(KIND, `added_tokens[${i}] (${JSON.stringify(a.content)}) has id ${a.id}, which is already ${JSON.stringify(seen ?? inVocab)}`);
    }
    fromAdded.set(a.id, a.content);
    tokens[a.id] = a.content;
  });
  let size = tokens.length;
  while (size > 0 && tokens[size - 1] === undefined) size--;
  tokens.length = size;
  for (let i = 0; i < size; i++) if (tokens[i] === undefined) throw new TokenizerFormatError(KIND, `no token has id ${i} (ids must be contiguous)`);
  return tokens;
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * A short description of a JSON value for an error message; it never walks the value (JSON.stringify
 * overflows the stack on a deeply nested one).
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { preview } from './packages/tokenizer/src/loaders/tokenizer-json-checks';
 * console.log(preview([1, 2]), preview(null), preview('x')); // an array of 2 null "x"
 * ```
 */
export function preview(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v !== null && typeof v === 'object') return 'an object';
  const s = typeof v === 'string' ? JSON.stringify(v.length > 60 ? v.slice(0, 60) + '…' : v) : String(v);
  return s;
}
