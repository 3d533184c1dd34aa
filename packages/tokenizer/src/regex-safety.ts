// JavaScript's RegExp backtracks: a group that repeats and can itself match the same text in more than one way
// (`(a+)+`, `(a|a)*`, `(\s*x?)+`) takes time exponential in the input on text it does not match. A tokenizer
// runs its pre-tokenizer over whatever text a user sends, so such a pattern is refused when the file is loaded,
// before any text is seen. The test is deliberately simple and conservative: a group repeated more than once
// (`*`, `+`, `{n,m}` with m > 1) that contains a repeated item or an alternation. No pre-tokenizer of GPT-2,
// cl100k/o200k, Llama 3, Qwen2/3, Gemma or llama.cpp's presets has one.

/**
 * Why a pattern can backtrack catastrophically, or undefined when it has no repeated group that contains a
 * repetition or an alternation.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { catastrophicBacktracking } from './packages/tokenizer/src/regex-safety';
 * console.log(catastrophicBacktracking('(a+)+$')); // the group '(a+)' at offset 0 repeats ('+') and contains a repetition
 * console.log(catastrophicBacktracking(" ?\\p{L}+|\\s+(?!\\S)")); // undefined
 * ```
 */
export function catastrophicBacktracking(source: string): string | undefined {
  interface Frame {
    start: number;
    repeats: boolean;
    alternation: boolean;
  }
  const stack: Frame[] = [{ start: 0, repeats: false, alternation: false }];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    let closed: Frame | undefined;
    if (c === '\\') {
      i += /^\\(?:[pPux]\{[^}]*\}|[\s\S])/.exec(source.slice(i, i + 64))?.[0].length ?? 1;
    } else if (c === '[') {
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '(') {
      stack.push({ start: i, repeats: false, alternation: false });
      i++;
      continue;
    } else if (c === ')') {
      if (stack.length > 1) closed = stack.pop();
      i++;
    } else if (c === '|') {
      stack[stack.length - 1].alternation = true;
      i++;
      continue;
    } else {
      i++;
    }
    // a quantifier after the atom that ends at i
    const q = /^(?:[*+?]|\{(\d+)(,(\d*))?\})\??/.exec(source.slice(i, i + 24));
    const repeating = q !== null && (q[0][0] === '*' || q[0][0] === '+' || (q[1] !== undefined && (q[2] === undefined ? +q[1] > 1 : q[3] === '' || +q[3] > 1)));
    const frame = stack[stack.length - 1];
    if (closed) {
      if (repeating && (closed.repeats || closed.alternation)) {
        const group = source.slice(closed.start, i);
        return `the group '${group}' at offset ${closed.start} repeats ('${q![0]}') and contains ${closed.repeats ? 'a repetition' : 'an alternation'}`;
      }
      if (closed.repeats) frame.repeats = true;
    }
    if (repeating) frame.repeats = true;
    if (q) i += q[0].length;
  }
  return undefined;
}
