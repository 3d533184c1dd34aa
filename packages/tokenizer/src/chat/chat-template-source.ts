/** Where a model keeps its chat template: tokenizer_config.json, or the metadata of a GGUF file. */
import type { ChatTemplateOptions } from './apply-chat-template';

/** A model's chat template and the special tokens it refers to, ready for `applyChatTemplate`. */
export type ChatTemplateSource = Pick<ChatTemplateOptions, 'template' | 'specialTokens'>;

const SPECIAL_TOKEN_KEYS = ['bos_token', 'eos_token', 'unk_token', 'pad_token', 'sep_token', 'cls_token', 'mask_token'];

// llama.cpp's names for the special ids (gguf-py's Keys.Tokenizer; "seperator" is its spelling).
const GGUF_SPECIAL_IDS: Record<string, string> = {
  bos_token: 'bos_token_id',
  eos_token: 'eos_token_id',
  unk_token: 'unknown_token_id',
  pad_token: 'padding_token_id',
  sep_token: 'seperator_token_id',
  cls_token: 'cls_token_id',
  mask_token: 'mask_token_id',
};

/** A special token of tokenizer_config.json: a string, or an AddedToken object `{ content: '<s>', ... }`. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return undefined;
}

/**
 * The chat template of a tokenizer_config.json (its text or parsed object), or undefined when it has none.
 * `chat_template` may be one template or a list of named ones (the one named 'default' is used).
 *
 * @example
 * ```ts
 * import { applyChatTemplate, chatTemplateFromTokenizerConfig } from '@transformer-kit/tokenizer';
 * const config = { bos_token: '<s>', chat_template: "{{ bos_token }}{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}" };
 * const source = chatTemplateFromTokenizerConfig(config);
 * if (source) console.log(JSON.stringify(await applyChatTemplate([{ role: 'user', content: 'Hi' }], source))); // "<s>[user] Hi\n"
 * ```
 */
export function chatTemplateFromTokenizerConfig(config: string | Readonly<Record<string, unknown>>): ChatTemplateSource | undefined {
  let json: Record<string, unknown>;
  try {
    json = typeof config === 'string' ? (JSON.parse(config) as Record<string, unknown>) : { ...config };
  } catch (error) {
    throw new Error(`tokenizer_config.json is not valid JSON (${(error as Error).message})`);
  }
  const raw = json.chat_template;
  let template: string | undefined;
  if (typeof raw === 'string') template = raw;
  else if (Array.isArray(raw)) {
    const named = raw as { name?: unknown; template?: unknown }[];
    const pick = named.find((t) => t?.name === 'default') ?? named[0];
    if (typeof pick?.template !== 'string') throw new Error(`tokenizer_config.json: chat_template is a list without a 'default' template`);
    template = pick.template;
  } else if (raw !== undefined && raw !== null) {
    throw new Error(`tokenizer_config.json: chat_template must be a string or a list of { name, template }, got ${typeof raw}`);
  }
  if (template === undefined) return undefined;
  const specialTokens: Record<string, string> = {};
  for (const key of SPECIAL_TOKEN_KEYS) {
    const text = tokenText(json[key]);
    if (text !== undefined) specialTokens[key] = text;
  }
  return { template, specialTokens };
}

/**
 * The chat template of a GGUF file's metadata (`tokenizer.chat_template`), with `bos_token` / `eos_token` /
 * … looked up from `tokenizer.ggml.*_token_id` in `tokenizer.ggml.tokens`; undefined when it has none.
 *
 * @example
 * ```ts
 * import { chatTemplateFromGguf } from '@transformer-kit/tokenizer';
 * const metadata = { 'tokenizer.chat_template': '{{ bos_token }}{{ messages[0].content }}', 'tokenizer.ggml.tokens': ['<unk>', '<s>', '</s>'], 'tokenizer.ggml.bos_token_id': 1 };
 * console.log(chatTemplateFromGguf(metadata)); // { template: '{{ bos_token }}{{ messages[0].content }}', specialTokens: { bos_token: '<s>' } }
 * ```
 */
export function chatTemplateFromGguf(metadata: Readonly<Record<string, unknown>>): ChatTemplateSource | undefined {
  const template = metadata['tokenizer.chat_template'];
  if (template === undefined) return undefined;
  if (typeof template !== 'string') throw new Error(`GGUF metadata: tokenizer.chat_template must be a string, got ${typeof template}`);
  const tokens = metadata['tokenizer.ggml.tokens'];
  const specialTokens: Record<string, string> = {};
  for (const [key, ggufKey] of Object.entries(GGUF_SPECIAL_IDS)) {
    const id = metadata[`tokenizer.ggml.${ggufKey}`];
    const text = (typeof id === 'number' || typeof id === 'bigint') && Array.isArray(tokens) ? tokens[Number(id)] : undefined;
    if (typeof text === 'string') specialTokens[key] = text;
  }
  return { template, specialTokens };
}
