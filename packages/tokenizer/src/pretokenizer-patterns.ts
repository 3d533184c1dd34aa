// The pre-tokenizer regexes of OpenAI's encodings, written for JavaScript's RegExp: tiktoken's `(?i:'s|…)`
// is spelled out case by case (JS has no inline flag groups before ES2025), as js-tiktoken does.
const CONTRACTIONS_I = "'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";

/**
 * The named pre-tokenizer patterns: GPT-2's (also r50k/p50k), cl100k_base's (GPT-3.5/4) and o200k_base's
 * (GPT-4o). Use the key as the `pattern` option of a byte-level BPE loader.
 *
 * @example
 * ```ts
 * import { PRETOKENIZER_PATTERNS } from '@transformer-kit/tokenizer';
 * const cl100k = new RegExp(PRETOKENIZER_PATTERNS.cl100k, 'gu');
 * console.log('Hello world 12345'.match(cl100k)); // [ 'Hello', ' world', ' ', '123', '45' ]
 * ```
 */
export const PRETOKENIZER_PATTERNS = {
  gpt2: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
  cl100k:
    `${CONTRACTIONS_I}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`,
  o200k: [
    `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:${CONTRACTIONS_I})?`,
    `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:${CONTRACTIONS_I})?`,
    `\\p{N}{1,3}`,
    ` ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*`,
    `\\s*[\\r\\n]+`,
    `\\s+(?!\\S)`,
    `\\s+`,
  ].join('|'),
} as const;

/**
 * A pre-tokenizer: a preset name, or any regex (source string or RegExp; the `gu` flags are added).
 *
 * @example
 * ```ts
 * import { pretokenizerRegExp, type PretokenizerPattern } from '@transformer-kit/tokenizer';
 * const pattern: PretokenizerPattern = 'o200k';
 * console.log("I'm here".match(pretokenizerRegExp(pattern))); // [ "I'm", ' here' ]
 * ```
 */
export type PretokenizerPattern = keyof typeof PRETOKENIZER_PATTERNS | RegExp | string;

/**
 * Hugging Face `tokenizer.json` spells the presets in Rust regex syntax; this maps such a spelling back to the
 * preset it is, so a file that says `(?i:'s|'t|…)` still loads in a JavaScript engine without inline flags.
 *
 * @example
 * ```ts
 * import { presetForPattern } from '@transformer-kit/tokenizer';
 * console.log(presetForPattern("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+")); // gpt2
 * console.log(presetForPattern('\\w+')); // undefined
 * ```
 */
export function presetForPattern(source: string): keyof typeof PRETOKENIZER_PATTERNS | undefined {
  const canonical = (s: string) => s.replace(/\(\?i:'s\|'t\|'re\|'ve\|'m\|'ll\|'d\)/g, CONTRACTIONS_I).replace(/\(\?:/g, '(');
  const wanted = canonical(source);
  for (const name of Object.keys(PRETOKENIZER_PATTERNS) as Array<keyof typeof PRETOKENIZER_PATTERNS>) {
    if (canonical(PRETOKENIZER_PATTERNS[name]) === wanted) return name;
  }
  return undefined;
}

/**
 * The global Unicode RegExp a pattern stands for.
 *
 * @example
 * ```ts
 * import { pretokenizerRegExp } from '@transformer-kit/tokenizer';
 * console.log('Hello world'.match(pretokenizerRegExp('gpt2'))); // [ 'Hello', ' world' ]
 * ```
 */
export function pretokenizerRegExp(pattern: PretokenizerPattern): RegExp {
  if (pattern instanceof RegExp) return new RegExp(pattern.source, 'gu');
  const source = pattern in PRETOKENIZER_PATTERNS ? PRETOKENIZER_PATTERNS[pattern as keyof typeof PRETOKENIZER_PATTERNS] : pattern;
  return new RegExp(source, 'gu');
}
