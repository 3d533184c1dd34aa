/**
 * The byte a SentencePiece byte-fallback token stands for (`<0x0A>` → 10, `<0xe9>` → 233), or -1 for any other
 * token. The one place that knows the `<0xXX>` spelling, for the vocabularies of every loader.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { parseByteToken } from './packages/tokenizer/src/byte-token';
 * console.log(parseByteToken('<0x0A>'), parseByteToken('<0xe9>'), parseByteToken('<0x0G>'), parseByteToken('▁the')); // 10 233 -1 -1
 * ```
 */
export function parseByteToken(token: string): number {
  // NOTE: character tests, not a regex: the loaders ask this of every one of a 262k-token vocabulary
  if (token.length !== 6 || token.charCodeAt(0) !== 0x3c || token.charCodeAt(1) !== 0x30 || token.charCodeAt(2) !== 0x78 || token.charCodeAt(5) !== 0x3e) {
    return -1;
  }
  const hi = hexDigit(token.charCodeAt(3));
  const lo = hexDigit(token.charCodeAt(4));
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}
