/**
 * Writes the UTF-8 bytes of `text.slice(start, end)` into `out` (which needs 3 bytes per UTF-16 unit) and
 * returns the count. A lone surrogate becomes EF BF BD (U+FFFD), as TextEncoder and the reference encoders do,
 * so it never throws.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { encodeUtf8Into } from './packages/tokenizer/src/utf8';
 * const out = new Uint8Array(6);
 * const n = encodeUtf8Into('hé', 0, 2, out);
 * console.log(n, out.subarray(0, n)); // 3 Uint8Array(3) [ 104, 195, 169 ]
 * ```
 */
export function encodeUtf8Into(text: string, start: number, end: number, out: Uint8Array): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < end ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          out[n++] = 0xf0 | (cp >> 18);
          out[n++] = 0x80 | ((cp >> 12) & 63);
          out[n++] = 0x80 | ((cp >> 6) & 63);
          out[n++] = 0x80 | (cp & 63);
          i++;
          continue;
        }
        c = 0xfffd;
      }
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}

/**
 * Maps each token's byte length inside a piece of text back to `[start, end)` spans in UTF-16 units. A token
 * that starts or ends inside a character is widened to the whole character (both halves of an emoji split
 * over byte tokens point at the emoji).
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { byteSpansToOffsets } from './packages/tokenizer/src/utf8';
 * // 'héllo' is 6 UTF-8 bytes; two tokens of 1 and 5 bytes
 * const offsets: Array<[number, number]> = [];
 * byteSpansToOffsets('héllo', 0, 5, [1, 5], offsets);
 * console.log(offsets); // [ [ 0, 1 ], [ 1, 5 ] ]
 * ```
 */
export function byteSpansToOffsets(
  text: string,
  start: number,
  end: number,
  tokenByteLengths: ArrayLike<number>,
  offsets: Array<[number, number]>,
): void {
  let i = start; // current UTF-16 position: start of the character holding byte `charByte`
  let charByte = 0; // byte offset (within the piece) where the character at i begins
  let charLen = i < end ? charByteLength(text, i, end) : 0;
  let byteOffset = 0;
  for (let t = 0; t < tokenByteLengths.length; t++) {
    const tokenStart = byteOffset;
    byteOffset += tokenByteLengths[t];
    // advance to the character holding tokenStart
    while (i < end && charByte + charLen <= tokenStart) {
      charByte += charLen;
      i += unitsAt(text, i, end);
      charLen = i < end ? charByteLength(text, i, end) : 0;
    }
    const s = i;
    let j = i;
    let jByte = charByte;
    let jLen = charLen;
    while (j < end && jByte < byteOffset) {
      jByte += jLen;
      j += unitsAt(text, j, end);
      jLen = j < end ? charByteLength(text, j, end) : 0;
    }
    offsets.push([s, j]);
  }
}

function unitsAt(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

function charByteLength(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  return unitsAt(text, i, end) === 2 ? 4 : 3;
}

/**
 * Concatenates the bytes of a run of tokens and decodes them as UTF-8 once (a character may span tokens).
 * `tokenBytes(id, previousId)` gives one token's bytes; the previous id lets SentencePiece drop the dummy-prefix
 * space after BOS. The one decode loop every tokenizer's `decode` shares.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { decodeTokenBytes } from './packages/tokenizer/src/utf8';
 * const bytes = [[0xf0, 0x9f], [0xa4, 0x97]].map((b) => Uint8Array.from(b));
 * console.log(decodeTokenBytes([0, 1], (id) => bytes[id])); // 🤗
 * ```
 */
export function decodeTokenBytes(ids: ArrayLike<number>, tokenBytes: (id: number, previousId: number | undefined) => Uint8Array): string {
  const parts: Uint8Array[] = [];
  let total = 0;
  let prev: number | undefined;
  for (let i = 0; i < ids.length; i++) {
    const bytes = tokenBytes(ids[i], prev);
    prev = ids[i];
    parts.push(bytes);
    total += bytes.length;
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new TextDecoder().decode(all);
}
