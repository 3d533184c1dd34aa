// Hugging Face's `Split` pre-tokenizer: a pattern cuts the text into matched and unmatched spans, and the
// behaviour says what becomes a piece. Every character of the input ends up in exactly one piece except under
// `Removed`, which drops the (after `invert`, un)matched spans on purpose. llama.cpp's multi-regex
// pre-tokenizers are a sequence of `Isolated` splits, each applied to the pieces of the one before.

/**
 * What a `Split` does with matched spans (Hugging Face `SplitDelimiterBehavior`).
 *
 * @example
 * ```ts
 * import type { SplitBehavior } from '@transformer-kit/tokenizer';
 * const behavior: SplitBehavior = 'MergedWithPrevious';
 * console.log(behavior); // MergedWithPrevious
 * ```
 */
export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';

/**
 * One `Split` step: a global (`g`) RegExp, a behaviour, and `invert` (act on the unmatched spans instead).
 *
 * @example
 * ```ts
 * import type { SplitRule } from '@transformer-kit/tokenizer';
 * const words: SplitRule = { regex: /\s+/gu, behavior: 'Removed' };
 * console.log(words.behavior); // Removed
 * ```
 */
export interface SplitRule {
  regex: RegExp;
  behavior: SplitBehavior;
  invert?: boolean;
}

/**
 * The split behaviours a `tokenizer.json` may name.
 *
 * @example
 * ```ts
 * // an internal constant (not exported by the package), imported here from its source file
 * import { SPLIT_BEHAVIORS } from './packages/tokenizer/src/split-pretokenizer';
 * console.log(SPLIT_BEHAVIORS.includes('Isolated')); // true
 * ```
 */
export const SPLIT_BEHAVIORS: readonly SplitBehavior[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

/**
 * Applies the rules in order to `text[from, to)`, calling `emit(start, end)` for each final non-empty piece.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { splitPieces } from './packages/tokenizer/src/split-pretokenizer';
 * const text = 'Hello world';
 * const pieces: string[] = [];
 * splitPieces(text, 0, text.length, [{ regex: /o/gu, behavior: 'MergedWithPrevious' }], (s, e) => pieces.push(text.slice(s, e)));
 * console.log(pieces); // [ 'Hello', ' wo', 'rld' ]
 * ```
 */
export function splitPieces(text: string, from: number, to: number, rules: readonly SplitRule[], emit: (start: number, end: number) => void): void {
  const step = (k: number, s: number, e: number): void => {
    if (k === rules.length) emit(s, e);
    else splitOnce(text, s, e, rules[k], (a, b) => step(k + 1, a, b));
  };
  if (to > from) step(0, from, to);
}

function splitOnce(text: string, from: number, to: number, rule: SplitRule, emit: (start: number, end: number) => void): void {
  const { regex, behavior } = rule;
  const invert = rule.invert === true;
  // pending piece: [start, end), and whether the previous span was a (possibly inverted) match
  let start = -1;
  let end = -1;
  let previousMatch = false;
  const flush = () => {
    if (end > start && start >= 0) emit(start, end);
    start = end = -1;
  };
  const span = (s: number, e: number, matched: boolean) => {
    if (e <= s) return;
    const isMatch = matched !== invert;
    switch (behavior) {
      case 'Removed':
        if (!isMatch) {
          flush();
          emit(s, e);
        }
        break;
      case 'Isolated':
        emit(s, e);
        break;
      case 'MergedWithPrevious':
        if (isMatch && !previousMatch && start >= 0) end = e;
        else {
          flush();
          start = s;
          end = e;
        }
        break;
      case 'MergedWithNext':
        // a match opens a piece that the following non-match joins
        if (!isMatch && previousMatch && start >= 0) {
          end = e;
          flush();
        } else {
          flush();
          start = s;
          end = e;
        }
        break;
      case 'Contiguous':
        if (isMatch === previousMatch && start >= 0) end = e;
        else {
          flush();
          start = s;
          end = e;
        }
        break;
    }
    previousMatch = isMatch;
  };
  const slice = from === 0 && to === text.length ? text : text.slice(from, to);
  let last = 0;
  regex.lastIndex = 0;
  for (const m of slice.matchAll(regex)) {
    if (m[0].length === 0) continue;
    span(from + last, from + m.index, false);
    span(from + m.index, from + m.index + m[0].length, true);
    last = m.index + m[0].length;
  }
  span(from + last, to, false);
  flush();
}
