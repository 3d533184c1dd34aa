// The byte-level pipeline of a `tokenizer.json` read into what ByteLevelBpe runs: its Split steps (regexes
// translated from Rust syntax and checked for catastrophic backtracking), ByteLevel's own GPT-2 regex, and a
// Unicode normalizer. Anything else is refused by name rather than ignored.
import { PRETOKENIZER_PATTERNS, presetForPattern, type PretokenizerPattern } from '../pretokenizer-patterns';
import { catastrophicBacktracking } from '../regex-safety';
import { translateRustRegex } from '../rust-regex';
import { SPLIT_BEHAVIORS, type SplitBehavior, type SplitRule } from '../split-pretokenizer';
import { TokenizerFormatError } from '../tokenizer-error';
import type { UnicodeNormalization } from '../normalize-with-offsets';
import { preview } from './tokenizer-json-checks';
import type { JsonObject } from './tokenizer-json-parts';

const KIND = 'tokenizer.json';

/**
 * The pre-tokenizer of a byte-level BPE: a named preset when the file spells one (fast paths), otherwise Split
 * steps.
 *
 * @example
 * ```ts
 * // an internal type (not exported by the package), imported here from its source file
 * import type { ByteLevelPipeline } from './packages/tokenizer/src/loaders/tokenizer-json-splits';
 * const gpt2: ByteLevelPipeline = { pattern: 'gpt2', addPrefixSpace: false };
 * console.log(gpt2.pattern); // gpt2
 * ```
 */
export interface ByteLevelPipeline {
  pattern?: PretokenizerPattern;
  splits?: SplitRule[];
  addPrefixSpace: boolean;
  normalization?: UnicodeNormalization;
}

/**
 * Reads the flattened `pre_tokenizer` and `normalizer` components of a byte-level BPE file.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { byteLevelPipeline } from './packages/tokenizer/src/loaders/tokenizer-json-splits';
 * const p = byteLevelPipeline([{ type: 'Split', pattern: { Regex: "(?i:'s)|\\p{L}+" }, behavior: 'Isolated', invert: false }, { type: 'ByteLevel', use_regex: false }], [{ type: 'NFC' }]);
 * console.log(p.splits?.[0].regex.source, p.normalization); // (?:'[sS])|\p{L}+ NFC
 * ```
 */
export function byteLevelPipeline(preTokenizers: readonly JsonObject[], normalizers: readonly JsonObject[]): ByteLevelPipeline {
  let normalization: UnicodeNormalization | undefined;
  for (const n of normalizers) {
    if (n.type === 'NFC' || n.type === 'NFD' || n.type === 'NFKC' || n.type === 'NFKD') normalization = n.type;
    else throw new TokenizerFormatError(KIND, `normalizer ${preview(n.type)} is not supported with a ByteLevel BPE (supported: NFC, NFD, NFKC, NFKD)`);
  }
  const splits: SplitRule[] = [];
  let addPrefixSpace = false;
  preTokenizers.forEach((p, i) => {
    const where = `pre_tokenizer ${preTokenizers.length > 1 ? `step ${i} ` : ''}(${typeof p.type === 'string' ? p.type : preview(p.type)})`;
    if (p.type === 'ByteLevel') {
      addPrefixSpace = p.add_prefix_space === true;
      if (p.use_regex !== false) splits.push({ regex: new RegExp(PRETOKENIZER_PATTERNS.gpt2, 'gu'), behavior: 'Isolated' });
    } else if (p.type === 'Split') {
      splits.push(splitRule(p, where));
    } else {
      throw new TokenizerFormatError(KIND, `${where} is not supported with a ByteLevel BPE (supported: Split, ByteLevel)`);
    }
  });
  if (splits.length === 0) throw new TokenizerFormatError(KIND, 'ByteLevel without a regex and no Split pre-tokenizer');
  const only = splits.length === 1 && splits[0].behavior === 'Isolated' && !splits[0].invert ? presetForPattern(splits[0].regex.source) : undefined;
  return only ? { pattern: only, addPrefixSpace, normalization } : { splits, addPrefixSpace, normalization };
}

/**
 * One `Split` component as a {@link SplitRule}, with named errors for a bad behaviour, pattern or regex.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { splitRule } from './packages/tokenizer/src/loaders/tokenizer-json-splits';
 * try {
 *   splitRule({ type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated' }, 'pre_tokenizer (Split)');
 * } catch (e) {
 *   console.log((e as Error).message); // tokenizer.json: pre_tokenizer (Split): the Split regex "(a+)+$" can backtrack catastrophically (…)
 * }
 * ```
 */
export function splitRule(p: JsonObject, where: string): SplitRule {
  const behavior = p.behavior;
  if (typeof behavior !== 'string' || !SPLIT_BEHAVIORS.includes(behavior as SplitBehavior)) {
    throw new TokenizerFormatError(KIND, `${where}: behavior ${preview(behavior)} is not one of ${SPLIT_BEHAVIORS.join(', ')}`);
  }
  if (p.invert !== undefined && typeof p.invert !== 'boolean') throw new TokenizerFormatError(KIND, `${where}: invert must be true or false`);
  const pattern = p.pattern as JsonObject | null | undefined;
  let source: string;
  if (pattern && typeof pattern.String === 'string') {
    if (pattern.String === '') throw new TokenizerFormatError(KIND, `${where}: an empty String pattern`);
    source = pattern.String.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  } else if (pattern && typeof pattern.Regex === 'string') {
    const preset = presetForPattern(pattern.Regex);
    try {
      source = preset ? PRETOKENIZER_PATTERNS[preset] : translateRustRegex(pattern.Regex);
    } catch (e) {
      throw new TokenizerFormatError(KIND, `${where}: the Split regex ${JSON.stringify(pattern.Regex)} cannot run in JavaScript: ${(e as Error).message}`);
    }
    const risk = catastrophicBacktracking(source);
    if (risk) {
      throw new TokenizerFormatError(KIND, `${where}: the Split regex ${JSON.stringify(pattern.Regex)} can backtrack catastrophically (${risk}); refused because it could take exponential time on some text`);
    }
  } else {
    throw new TokenizerFormatError(KIND, `${where}: pattern must be {"Regex": "…"} or {"String": "…"}`);
  }
  try {
    return { regex: new RegExp(source, 'gu'), behavior: behavior as SplitBehavior, invert: p.invert === true };
  } catch (e) {
    throw new TokenizerFormatError(KIND, `${where}: the Split regex is not valid in JavaScript (${(e as Error).message})`);
  }
}
