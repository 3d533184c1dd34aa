// llama.cpp's BPE pre-tokenizers, keyed by the `tokenizer.ggml.pre` names its converter writes: the names map
// to a pre-tokenizer type in `llama_vocab::impl::load` and each type to a list of regexes in
// `llm_tokenizer_bpe`'s constructor (src/llama-vocab.cpp). Each regex splits every piece the previous one left,
// keeping unmatched text as pieces of its own (an `Isolated` split). The regexes are llama.cpp's, which are the
// models' own tokenizer.json patterns with `(?i:…)` spelled out.
import { PRETOKENIZER_PATTERNS } from './pretokenizer-patterns';

const CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
const GPT2 = PRETOKENIZER_PATTERNS.gpt2;
const GPT2_NO_TRAILING = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
const LLAMA3 = `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`;
const QWEN2 = `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`;
const DEEPSEEK3 = [
  '\\p{N}{1,3}',
  '[一-龥぀-ゟ゠-ヿ]+',
  "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
];
const STARCODER = ['\\p{N}', GPT2_NO_TRAILING];
const PORO = [' ?[^(\\s|.,!?…。，、।۔،)]+'];
const UPPER_RUN = '((?=[\\p{L}])([^a-z]))';
const LOWER_RUN = '((?=[\\p{L}])([^A-Z]))';
const TEKKEN = `[^\\r\\n\\p{L}\\p{N}]?${UPPER_RUN}*${LOWER_RUN}+|[^\\r\\n\\p{L}\\p{N}]?${UPPER_RUN}+${LOWER_RUN}*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`;
const GPT4O = `[^\\r\\n\\p{L}\\p{N}]?${UPPER_RUN}*${LOWER_RUN}+${CONTRACTIONS}?|[^\\r\\n\\p{L}\\p{N}]?${UPPER_RUN}+${LOWER_RUN}*${CONTRACTIONS}?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`;
// NOTE: six characters are written as escapes because Unicode normalization (NFC) of this source would turn them
// into other characters (U+1F7D ώ into U+03CE, U+212A Kelvin sign into 'K', …) and break the ranges
const DEEPSEEK_LLM_LETTERS =
  'A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-\u1F7Dᾀ-ᾴᾶ-ᾼ\u1FBEῂ-ῄῆ-ῌῐ-\u1FD3ῖ-\u1FDBῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤ\u2126ℨ\u212A-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃';

/**
 * A llama.cpp pre-tokenizer: its regexes (applied in order) and the flags llama.cpp sets with it.
 *
 * @example
 * ```ts
 * // an internal type (not exported by the package), imported here from its source file
 * import type { LlamaCppPreTokenizer } from './packages/tokenizer/src/llama-cpp-pre-tokenizers';
 * const pre: LlamaCppPreTokenizer = { regexes: ['\\p{N}+'], ignoreMerges: false, addBos: false };
 * console.log(pre.regexes.length); // 1
 * ```
 */
export interface LlamaCppPreTokenizer {
  regexes: readonly string[];
  /** A piece that is itself a token is not merged (llama.cpp `ignore_merges`). */
  ignoreMerges: boolean;
  /** llama.cpp's default for adding BOS, before `tokenizer.ggml.add_bos_token` overrides it. */
  addBos: boolean;
}

const pre = (regexes: readonly string[], flags: Partial<Omit<LlamaCppPreTokenizer, 'regexes'>> = {}): LlamaCppPreTokenizer => ({
  regexes,
  ignoreMerges: flags.ignoreMerges ?? false,
  addBos: flags.addBos ?? false,
});

const TYPES = {
  default: pre(['[\\p{P}\\$\\+<=>\\^~\\|]+', GPT2_NO_TRAILING, '\\p{N}+', '[0-9][0-9][0-9]']),
  llama3: pre([LLAMA3], { ignoreMerges: true, addBos: true }),
  dbrx: pre([LLAMA3]),
  deepseekLlm: pre(['[\\r\\n]', `\\s?[${DEEPSEEK_LLM_LETTERS}]+`, '\\s?[!-/:-~！-／：-～‘-‟　-。]+', '\\s+$', '[一-龥ࠀ-一가-퟿]+', '\\p{N}+']),
  deepseek3: pre(DEEPSEEK3),
  deepseekCoder: pre(['[\\r\\n]', '\\s?\\p{L}+', '\\s?\\p{P}+', '[一-龥ࠀ-一가-퟿]+', '\\p{N}']),
  falcon: pre(['[\\p{P}\\$\\+<=>\\^~\\|`]+', GPT2_NO_TRAILING, '[0-9][0-9][0-9]']),
  starcoder: pre(STARCODER),
  gpt2: pre([GPT2]),
  qwen2: pre([QWEN2]),
  poro: pre(PORO),
  chatglm4: pre([LLAMA3]),
  viking: pre([...PORO, '\\p{N}']),
  tekken: pre([TEKKEN], { ignoreMerges: true, addBos: true }),
  chameleon: pre(
    ['<sentinel:[0-9]+>', '(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z', '([\\t\\n]|    |  )', '\\p{N}', '[\\p{P}!-/:-@\\[-`{-~]', GPT2_NO_TRAILING],
    { addBos: true },
  ),
  gpt4o: pre([GPT4O]),
  bailingmoe: pre(["'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"]),
  seedCoder: pre([`${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`]),
} as const;

const NAMES: Record<string, keyof typeof TYPES> = {
  default: 'default',
  llama3: 'llama3', 'llama-v3': 'llama3', 'llama-bpe': 'llama3', falcon3: 'llama3', 'falcon-h1': 'llama3', pixtral: 'llama3', 'midm-2.0': 'llama3', lfm2: 'llama3',
  'deepseek-llm': 'deepseekLlm',
  'deepseek-coder': 'deepseekCoder',
  'deepseek-v3': 'deepseek3', 'hunyuan-dense': 'deepseek3',
  falcon: 'falcon',
  starcoder: 'starcoder', refact: 'starcoder', 'command-r': 'starcoder', smollm: 'starcoder', codeshell: 'starcoder', exaone: 'starcoder', 'minerva-7b': 'starcoder',
  'gpt-2': 'gpt2', 'phi-2': 'gpt2', 'jina-es': 'gpt2', 'jina-de': 'gpt2', gigachat: 'gpt2', 'jina-v2-es': 'gpt2', 'jina-v2-de': 'gpt2', 'a.x-4.0': 'gpt2',
  mellum: 'gpt2', 'jina-v1-en': 'gpt2', 'jina-v2-code': 'gpt2', 'roberta-bpe': 'gpt2', exaone4: 'gpt2', mpt: 'gpt2', olmo: 'gpt2', jais: 'gpt2',
  trillion: 'gpt2', 'granite-docling': 'gpt2',
  qwen2: 'qwen2', 'deepseek-r1-qwen': 'qwen2', kormo: 'qwen2', stablelm2: 'qwen2', megrez: 'qwen2', hunyuan: 'qwen2', 'grok-2': 'qwen2',
  dbrx: 'dbrx', 'smaug-bpe': 'dbrx',
  'poro-chat': 'poro', bloom: 'poro', 'gpt3-finnish': 'poro',
  glm4: 'chatglm4', 'chatglm-bpe': 'chatglm4',
  viking: 'viking',
  tekken: 'tekken',
  chameleon: 'chameleon',
  'gpt-4o': 'gpt4o', llama4: 'gpt4o', 'minimax-m2': 'gpt4o',
  bailingmoe: 'bailingmoe', bailingmoe2: 'bailingmoe', 'llada-moe': 'bailingmoe',
  'seed-coder': 'seedCoder',
};

/** Names llama.cpp knows whose splitting is hand-written code there rather than regexes. */
const HAND_WRITTEN = ['kimi-k2', 'afmoe', 'superbpe'];

/**
 * The pre-tokenizer llama.cpp uses for a `tokenizer.ggml.pre` name; throws an Error naming an unknown name (or
 * one of the few llama.cpp implements in code rather than regexes).
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { llamaCppPreTokenizer } from './packages/tokenizer/src/llama-cpp-pre-tokenizers';
 * console.log(llamaCppPreTokenizer('llama-bpe').ignoreMerges, llamaCppPreTokenizer('default').regexes.length); // true 4
 * ```
 */
export function llamaCppPreTokenizer(name: string): LlamaCppPreTokenizer {
  const type = Object.hasOwn(NAMES, name) ? NAMES[name] : undefined;
  if (type) return TYPES[type];
  if (HAND_WRITTEN.includes(name)) throw new Error(`pre-tokenizer '${name}' is hand-written code in llama.cpp and is not supported here`);
  throw new Error(`unknown pre-tokenizer '${name}' (llama.cpp knows: ${Object.keys(NAMES).join(', ')})`);
}
