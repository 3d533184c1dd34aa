// BERT's text normalization, as Hugging Face's BertNormalizer does it (tokenizers/src/normalizers/bert.rs):
// drop NUL, U+FFFD and control characters, turn whitespace into ' ', put spaces around CJK ideographs,
// strip accents (NFD, then drop nonspacing marks) and lowercase, character by character. Every output
// character remembers the input span it came from, which is what makes offsets possible.

/**
 * BertNormalizer's switches (Hugging Face names in comments). `stripAccents` follows `lowercase` when unset.
 *
 * @example
 * ```ts
 * import { bertNormalize, type BertNormalizerOptions } from '@transformer-kit/tokenizer';
 * const cased: BertNormalizerOptions = { lowercase: false };
 * console.log(bertNormalize('Héllo', cased).text); // Héllo
 * ```
 */
export interface BertNormalizerOptions {
  /** `clean_text`, default true. */
  cleanText?: boolean;
  /** `handle_chinese_chars`, default true. */
  handleChineseChars?: boolean;
  /** `strip_accents`, default: the value of `lowercase`. */
  stripAccents?: boolean;
  /** `lowercase`, default true. */
  lowercase?: boolean;
}

/**
 * Normalized text with, for each of its UTF-16 units, the `[start, end)` of the input character it came from.
 *
 * @example
 * ```ts
 * import { bertNormalize } from '@transformer-kit/tokenizer';
 * const { text, start, end } = bertNormalize('A\u0301b'); // 'Áb' written as A + a combining accent
 * console.log(text, start, end); // ab Int32Array(2) [ 0, 2 ] Int32Array(2) [ 1, 3 ]
 * ```
 */
export interface NormalizedText {
  text: string;
  start: Int32Array;
  end: Int32Array;
}

let controlRe: RegExp | undefined;
let whitespaceRe: RegExp | undefined;
let markRe: RegExp | undefined;

/**
 * Normalizes text the way BERT's tokenizer does, keeping the alignment to the input.
 *
 * @example
 * ```ts
 * import { bertNormalize } from '@transformer-kit/tokenizer';
 * console.log(JSON.stringify(bertNormalize('Héllo\tWORLD 中文').text)); // "hello world  中  文 "
 * ```
 */
export function bertNormalize(input: string, options: BertNormalizerOptions = {}): NormalizedText {
  const clean = options.cleanText ?? true;
  const chinese = options.handleChineseChars ?? true;
  const lowercase = options.lowercase ?? true;
  const strip = options.stripAccents ?? lowercase;
  controlRe ??= /^[\p{Cc}\p{Cf}\p{Co}\p{Cn}]$/u;
  whitespaceRe ??= /^\p{White_Space}$/u;
  markRe ??= /\p{Mn}/gu;
  const out: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const push = (s: string, from: number, to: number) => {
    out.push(s);
    for (let k = 0; k < s.length; k++) {
      starts.push(from);
      ends.push(to);
    }
  };
  for (let i = 0; i < input.length; ) {
    const c = input.charCodeAt(i);
    if (c < 0x80) {
      // ASCII fast path: same rules, no regex
      i++;
      if (clean && (c === 0 || ((c < 0x20 || c === 0x7f) && c !== 9 && c !== 10 && c !== 13))) continue;
      if (clean && (c === 9 || c === 10 || c === 13)) push(' ', i - 1, i);
      else push(lowercase && c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : input[i - 1], i - 1, i);
      continue;
    }
    let cp = input.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const from = i;
    i += width;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // a lone surrogate is U+FFFD in UTF-8, and cleaning drops it
    let ch = String.fromCodePoint(cp);
    if (clean) {
      if (cp === 0xfffd || controlRe.test(ch)) continue;
      if (whitespaceRe.test(ch)) ch = ' ';
    }
    if (chinese && isChineseChar(cp)) {
      push(' ', from, i);
      push(ch, from, i);
      push(' ', from, i);
      continue;
    }
    if (strip) ch = ch.normalize('NFD').replace(markRe, '');
    if (lowercase) ch = ch.toLowerCase();
    if (ch.length > 0) push(ch, from, i);
  }
  return { text: out.join(''), start: Int32Array.from(starts), end: Int32Array.from(ends) };
}

/**
 * The CJK ideograph blocks BERT puts spaces around (the same ranges as Google's BERT and Hugging Face).
 *
 * @example
 * ```ts
 * import { isChineseChar } from '@transformer-kit/tokenizer';
 * console.log(isChineseChar('中'.codePointAt(0)!), isChineseChar(0x41)); // true false
 * ```
 */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}
