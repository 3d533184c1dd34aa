let punctRe: RegExp | undefined;
let spaceRe: RegExp | undefined;

/**
 * BERT's pre-tokenizer (Hugging Face BertPreTokenizer): split on whitespace, and make every punctuation
 * character (ASCII punctuation or Unicode category P) a word of its own. Calls `emit(start, end)` per word.
 *
 * @example
 * ```ts
 * import { bertPretokenize } from '@transformer-kit/tokenizer';
 * const text = 'hello, world!';
 * const words: string[] = [];
 * bertPretokenize(text, (s, e) => words.push(text.slice(s, e)));
 * console.log(words); // [ 'hello', ',', 'world', '!' ]
 * ```
 */
export function bertPretokenize(text: string, emit: (start: number, end: number) => void): void {
  punctRe ??= /^\p{P}$/u;
  spaceRe ??= /^\p{White_Space}$/u;
  let wordStart = -1;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    let width = 1;
    let space: boolean;
    let punct: boolean;
    if (c < 0x80) {
      space = c === 0x20 || (c >= 9 && c <= 13);
      punct = (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
    } else {
      const cp = text.codePointAt(i)!;
      width = cp > 0xffff ? 2 : 1;
      const ch = text.slice(i, i + width);
      space = spaceRe.test(ch);
      punct = !space && punctRe.test(ch);
    }
    if (space || punct) {
      if (wordStart >= 0) emit(wordStart, i);
      wordStart = -1;
      if (punct) emit(i, i + width);
    } else if (wordStart < 0) {
      wordStart = i;
    }
    i += width;
  }
  if (wordStart >= 0) emit(wordStart, text.length);
}
