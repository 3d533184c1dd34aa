/**
 * Chat templates: a model's `chat_template` (Jinja, from tokenizer_config.json or GGUF's
 * `tokenizer.chat_template`) rendered over a conversation with `@huggingface/jinja`, set up as Hugging Face
 * transformers' `apply_chat_template` sets up jinja2 (the special tokens and `add_generation_prompt` as
 * variables). The Jinja engine is imported on the first call, so a tokenizer-only program never loads it.
 */

/** One message of a conversation. Templates read `role` and `content`; other fields pass through. */
export interface ChatMessage {
  /** Who speaks: 'system', 'user', 'assistant' (some templates know 'tool' too). */
  readonly role: 'system' | 'user' | 'assistant' | (string & {});
  /** What they say. */
  readonly content: string;
  /** Anything else a template reads (tool calls, names). */
  readonly [field: string]: unknown;
}

/** Options of {@link applyChatTemplate}. */
export interface ChatTemplateOptions {
  /** The Jinja template text: `chat_template` of tokenizer_config.json, or GGUF's `tokenizer.chat_template`. */
  readonly template: string;
  /** End with the header of the assistant's next turn (what a model continues from). Default false, as in transformers. */
  readonly addGenerationPrompt?: boolean;
  /** Special tokens as template variables: `bos_token`, `eos_token`, … (tokenizer_config.json's names). */
  readonly specialTokens?: Readonly<Record<string, string>>;
  /** Any other template variables (Qwen3's `enable_thinking`, `tools`, …). */
  readonly variables?: Readonly<Record<string, unknown>>;
}

type Compiled = { render(items: Record<string, unknown>): string };

const compiled = new Map<string, Compiled>();

async function compile(template: string): Promise<Compiled> {
  let t = compiled.get(template);
  if (!t) {
    const { Template } = await import('@huggingface/jinja');
    t = new Template(template);
    compiled.set(template, t);
  }
  return t;
}

/**
 * Renders a conversation through a model's chat template. A template's own error (Gemma's "Conversation roles
 * must alternate user/assistant/user/assistant/...") is thrown as an Error with the template's message.
 * The result holds special tokens as text (`<|eot_id|>`): encode it without adding special tokens again.
 *
 * @example
 * ```ts
 * import { applyChatTemplate } from '@transformer-kit/tokenizer';
 * // ChatML, the template Qwen's models use (shortened)
 * const template = "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
 * const text = await applyChatTemplate([{ role: 'user', content: 'Hello!' }], { template, addGenerationPrompt: true });
 * console.log(JSON.stringify(text)); // "<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n"
 * ```
 */
export async function applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions): Promise<string> {
  if (typeof options.template !== 'string' || options.template === '') throw new Error('applyChatTemplate: `template` must be the chat template text (tokenizer_config.json chat_template)');
  for (const [i, m] of messages.entries()) {
    if (typeof m?.role !== 'string' || typeof m.content !== 'string') {
      throw new Error(`applyChatTemplate: messages[${i}] must have a string role and content, got ${JSON.stringify(m)}`);
    }
  }
  const template = await compile(options.template);
  return template.render({
    ...options.variables,
    ...options.specialTokens,
    messages: messages.map((m) => ({ ...m })),
    add_generation_prompt: options.addGenerationPrompt ?? false,
  });
}

/**
 * The template for models that have none (llama2.c's story models, base models): the messages' contents, no
 * roles; an assistant's reply follows the message before it directly (it continued that text), any other
 * message starts a new line; nothing for the generation prompt. So the model continues the user's last words,
 * which is all a story model can do.
 *
 * @example
 * ```ts
 * import { applyChatTemplate, PLAIN_CHAT_TEMPLATE } from '@transformer-kit/tokenizer';
 * const messages = [{ role: 'user', content: 'Once upon a time' }, { role: 'assistant', content: ', there was a cat.' }, { role: 'user', content: 'The cat' }];
 * console.log(JSON.stringify(await applyChatTemplate(messages, { template: PLAIN_CHAT_TEMPLATE }))); // "Once upon a time, there was a cat.\nThe cat"
 * ```
 */
export const PLAIN_CHAT_TEMPLATE = "{% for m in messages %}{{ m.content }}{% if not loop.last and messages[loop.index0 + 1].role != 'assistant' %}{{ '\\n' }}{% endif %}{% endfor %}";
