// Byte-level pieces of a JSON reader, for the fast path of a large tokenizer.json: skipping whitespace and
// values, finding a string's end, and decoding a string's escapes into UTF-8 bytes. They never build a string;
// anything that is not plain JSON as a serializer writes it returns -1 and the caller falls back to JSON.parse,
// which then names the problem.

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;

/**
 * The index of the first byte at or after `p` that is not JSON whitespace.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { skipSpace } from './packages/tokenizer/src/loaders/json-bytes';
 * console.log(skipSpace(new TextEncoder().encode(' \n\t{'), 0)); // 3
 * ```
 */
export function skipSpace(b: Uint8Array, p: number): number {
  for (let c = b[p]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++p]);
  return p;
}

/**
 * The index just past the closing quote of the string whose opening quote is at `start`, or -1.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { stringEnd } from './packages/tokenizer/src/loaders/json-bytes';
 * console.log(stringEnd(new TextEncoder().encode('"a\\"b",'), 0)); // 6
 * ```
 */
export function stringEnd(b: Uint8Array, start: number): number {
  if (b[start] !== QUOTE) return -1;
  const n = b.length;
  for (let j = start + 1; j < n; j++) {
    const c = b[j];
    if (c === QUOTE) return j + 1;
    if (c === BACKSLASH) j++;
  }
  return -1;
}

/**
 * The index just past the JSON value starting at `p` (not validated: JSON.parse checks it later), or -1 when it
 * does not end.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { skipValue } from './packages/tokenizer/src/loaders/json-bytes';
 * console.log(skipValue(new TextEncoder().encode('[1, {"a": "]"}], 2'), 0)); // 15
 * ```
 */
export function skipValue(b: Uint8Array, p: number): number {
  const n = b.length;
  const c = b[p];
  if (c === QUOTE) return stringEnd(b, p);
  if (c !== 0x7b && c !== 0x5b) {
    for (let d = c; p < n && !(d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09 || d === 0x2c || d === 0x7d || d === 0x5d); d = b[++p]);
    return p;
  }
  let depth = 0;
  while (p < n) {
    const d = b[p];
    if (d === QUOTE) {
      p = stringEnd(b, p);
      if (p < 0) return -1;
      continue;
    }
    if (d === 0x7b || d === 0x5b) depth++;
    else if (d === 0x7d || d === 0x5d) depth--;
    p++;
    if (depth === 0) return p;
  }
  return -1;
}

/** Where {@link decodeString} left off: the index of the closing quote. */
export const decoded = { end: 0 };

/**
 * Decodes the JSON string whose opening quote is at `start` into UTF-8 bytes at `out[o..]` (the caller leaves
 * room for as many bytes as the string's source has: no escape decodes to more bytes than it is written with).
 * Returns the end of what it wrote, with the closing quote's index in {@link decoded}.end; or -1 for what
 * JSON.parse would refuse (a bad escape, a raw control character, no closing quote) or what has no UTF-8 form
 * (a lone surrogate).
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { decodeString, decoded } from './packages/tokenizer/src/loaders/json-bytes';
 * const src = new TextEncoder().encode('"\\u00e9\\n\\ud83d\\ude00"');
 * const out = new Uint8Array(src.length);
 * const end = decodeString(src, 0, out, 0);
 * console.log(Array.from(out.subarray(0, end)), decoded.end); // [ 195, 169, 10, 240, 159, 152, 128 ] 21
 * ```
 */
export function decodeString(b: Uint8Array, start: number, out: Uint8Array, o: number): number {
  const n = b.length;
  for (let p = start + 1; p < n; p++) {
    const c = b[p];
    if (c === QUOTE) {
      decoded.end = p;
      return o;
    }
    if (c < 0x20) return -1;
    if (c !== BACKSLASH) {
      out[o++] = c;
      continue;
    }
    const e = b[++p];
    if (e === 0x75) {
      let cp = hex4(b, p + 1);
      p += 4;
      if (cp < 0) return -1;
      if (cp >= 0xd800 && cp <= 0xdfff) {
        // a high surrogate must be followed by an escaped low one: anything else has no UTF-8 form
        const low = cp <= 0xdbff && b[p + 1] === BACKSLASH && b[p + 2] === 0x75 ? hex4(b, p + 3) : -1;
        if (low < 0xdc00 || low > 0xdfff) return -1;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        p += 6;
      }
      o = putCodePoint(out, o, cp);
      continue;
    }
    const simple = e === QUOTE || e === BACKSLASH || e === 0x2f ? e : e === 0x6e ? 0x0a : e === 0x74 ? 0x09 : e === 0x72 ? 0x0d : e === 0x62 ? 0x08 : e === 0x66 ? 0x0c : -1;
    if (simple < 0) return -1;
    out[o++] = simple;
  }
  return -1;
}

function hex4(b: Uint8Array, p: number): number {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const c = b[p + i];
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

function putCodePoint(out: Uint8Array, o: number, cp: number): number {
  if (cp < 0x80) out[o++] = cp;
  else if (cp < 0x800) {
    out[o++] = 0xc0 | (cp >> 6);
    out[o++] = 0x80 | (cp & 63);
  } else if (cp < 0x10000) {
    out[o++] = 0xe0 | (cp >> 12);
    out[o++] = 0x80 | ((cp >> 6) & 63);
    out[o++] = 0x80 | (cp & 63);
  } else {
    out[o++] = 0xf0 | (cp >> 18);
    out[o++] = 0x80 | ((cp >> 12) & 63);
    out[o++] = 0x80 | ((cp >> 6) & 63);
    out[o++] = 0x80 | (cp & 63);
  }
  return o;
}
