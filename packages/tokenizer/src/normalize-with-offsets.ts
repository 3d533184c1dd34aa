// Unicode normalization (a tokenizer.json `NFC`/`NFD`/`NFKC`/`NFKD` normalizer) that still lets a token's span
// in the normalized text be mapped back to the caller's text. Normalization only ever acts inside a base
// character and the combining marks after it, so each such cluster is normalized on its own and its output
// points back at the whole cluster. When that does not reproduce the normalization of the whole text (Hangul
// jamo composing across clusters), every position maps to the whole text: coarse, but never out of range.

/**
 * The Unicode normalization forms a `tokenizer.json` normalizer can name.
 *
 * @example
 * ```ts
 * import type { UnicodeNormalization } from '@transformer-kit/tokenizer';
 * const form: UnicodeNormalization = 'NFC';
 * console.log('e\u0301'.normalize(form).length); // 1
 * ```
 */
export type UnicodeNormalization = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

const CLUSTER = /\P{M}\p{M}*|\p{M}+/gu;

/**
 * `text.normalize(form)`, with functions mapping a position of the result back to `text`.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { normalizeWithOffsets } from './packages/tokenizer/src/normalize-with-offsets';
 * const n = normalizeWithOffsets('ae\u0301b', 'NFC');
 * console.log(n.text.length, n.sourceStart(1), n.sourceEnd(2)); // 3 1 3
 * ```
 */
export function normalizeWithOffsets(
  text: string,
  form: UnicodeNormalization,
): { text: string; sourceStart(i: number): number; sourceEnd(i: number): number } {
  const whole = text.normalize(form);
  const starts: number[] = [];
  const ends: number[] = [];
  let out = '';
  for (const m of text.matchAll(CLUSTER)) {
    const piece = m[0].normalize(form);
    for (let k = 0; k < piece.length; k++) {
      starts.push(m.index);
      ends.push(m.index + m[0].length);
    }
    out += piece;
  }
  if (out !== whole) return { text: whole, sourceStart: () => 0, sourceEnd: () => text.length };
  return {
    text: whole,
    sourceStart: (i) => (i < starts.length ? starts[i] : text.length),
    sourceEnd: (i) => (i === 0 ? 0 : ends[i - 1]),
  };
}
