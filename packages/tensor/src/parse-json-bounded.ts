/**
 * JSON from a checkpoint (config.json, model.safetensors.index.json, tokenizer.json) is input from strangers:
 * its size and nesting are bounded before `JSON.parse` builds anything, so `[[[[...]]]]` 20,000 deep cannot
 * overflow a recursive reader later, and the error names the file. Self-contained (no imports) so another
 * package can take it as it is.
 */

/** Bounds of {@link parseJsonBounded}. */
export interface JsonBounds {
  /** Deepest nesting of arrays/objects accepted. Default 64. */
  readonly maxDepth?: number;
  /** Longest text accepted, in UTF-16 code units. Default 64 MiB. */
  readonly maxLength?: number;
}

/**
 * The depth of the deepest array/object nesting in a JSON text, scanning once (strings are skipped, so
 * brackets inside them do not count); stops with an error naming `file` as soon as `maxDepth` is passed.
 */
function checkDepth(text: string, file: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) throw new Error(`${file}: JSON nested deeper than ${maxDepth} levels (at character ${i})`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/**
 * `JSON.parse` with a bounded size and nesting depth; every failure is an Error naming `file`.
 *
 * @example
 * ```ts
 * import { parseJsonBounded } from '@transformer-kit/tensor';
 * console.log(parseJsonBounded('{"a":[1,2]}', 'config.json')); // { a: [ 1, 2 ] }
 * try {
 *   parseJsonBounded('['.repeat(20000) + ']'.repeat(20000), 'tokenizer.json');
 * } catch (e) {
 *   console.log((e as Error).message); // tokenizer.json: JSON nested deeper than 64 levels (at character 64)
 * }
 * ```
 */
export function parseJsonBounded(text: string, file: string, bounds: JsonBounds = {}): unknown {
  const maxLength = bounds.maxLength ?? 64 * 2 ** 20;
  if (text.length > maxLength) throw new Error(`${file}: ${text.length} characters of JSON, over the limit of ${maxLength}`);
  checkDepth(text, file, bounds.maxDepth ?? 64);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * What a JSON value is, for messages: 'null', 'an array', 'an object', 'a number', ...
 *
 * @example
 * ```ts
 * import { jsonKind } from '@transformer-kit/tensor';
 * console.log(jsonKind(null), jsonKind([1]), jsonKind('x')); // null an array a string
 * ```
 */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * {@link parseJsonBounded}, requiring the top level to be an object (config.json, an index): `null` or an
 * array is an error naming the file.
 *
 * @example
 * ```ts
 * import { parseJsonObject } from '@transformer-kit/tensor';
 * try {
 *   parseJsonObject('null', 'config.json');
 * } catch (e) {
 *   console.log((e as Error).message); // config.json: the top level is null, not an object
 * }
 * ```
 */
export function parseJsonObject(text: string, file: string, bounds: JsonBounds = {}): Record<string, unknown> {
  const value = parseJsonBounded(text, file, bounds);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${file}: the top level is ${jsonKind(value)}, not an object`);
  return value as Record<string, unknown>;
}
