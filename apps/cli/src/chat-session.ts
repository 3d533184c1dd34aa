/**
 * A conversation with a causal LM through a chat template, keeping one KV cache across turns: each turn
 * renders the whole conversation, and when the text so far is a prefix of the new rendering (the usual case),
 * only the new text's tokens are fed — plus the reply's last token, which generation samples but never feeds.
 * A template that rewrites past turns (Qwen3 drops old <think> blocks) makes the rendering diverge: the cache is
 * then refilled from the start, which costs time, never correctness.
 */
import { applyChatTemplate, type ChatMessage, type ChatTemplateSource, type Tokenizer } from '@transformer-kit/tokenizer';
import { generate, type CausalLM, type GeneratedToken, type GenerateOptions } from '@transformer-kit/transformer';
import type { KVCache } from '@transformer-kit/attention';

// End-of-turn tokens of the common templates (Llama 3, ChatML/Qwen, Gemma, Phi-3): a turn ends at any of them.
const END_OF_TURN = ['<|eot_id|>', '<|im_end|>', '<end_of_turn>', '<|end|>', '<|endoftext|>'];

export class ChatSession {
  readonly messages: ChatMessage[] = [];
  /** Tokens fed to the model in each turn (the prompt part), for tests and statistics. */
  readonly fedPerTurn: number[] = [];
  readonly #cache: KVCache;
  /** Every id of the conversation: the ones in the cache, then the reply's last (not yet fed) one. */
  #ids: number[] = [];
  /** The text #ids stand for. */
  #text = '';
  readonly #stopTokens: number[];

  constructor(
    readonly model: CausalLM,
    readonly tokenizer: Tokenizer,
    readonly template: ChatTemplateSource,
  ) {
    this.#cache = model.createCache(model.maxSeqLen);
    const special = tokenizer.specialTokenIds;
    const ends = [...END_OF_TURN, template.specialTokens?.eos_token].map((t) => (t ? tokenizer.tokenToId(t) : undefined));
    // generate's own default (EOS, and BOS for SentencePiece: llama2.c's stories end there) plus the turn ends.
    this.#stopTokens = [...new Set([special.eos, tokenizer.kind === 'sentencepiece-bpe' ? special.bos : undefined, ...ends].filter((x): x is number => x !== undefined))];
  }

  /** Adds the user's message and streams the assistant's reply; the reply joins the conversation when done. */
  async *say(content: string, options: Omit<GenerateOptions, 'cache' | 'stopTokens' | 'addSpecialTokens'> = {}): AsyncGenerator<GeneratedToken, void, undefined> {
    this.messages.push({ role: 'user', content });
    const rendered = await applyChatTemplate(this.messages, { ...this.template, addGenerationPrompt: true });
    if (!rendered.startsWith(this.#text)) {
      this.#cache.reset();
      this.#ids = [];
      this.#text = '';
    }
    const bos = this.template.specialTokens?.bos_token;
    const first = this.#ids.length === 0;
    // NOTE: the rendering spells special tokens as text (<|eot_id|>): they must become their ids. The first
    // chunk gets the tokenizer's BOS unless the template wrote it itself.
    const fresh = this.tokenizer.encode(rendered.slice(this.#text.length), { addSpecialTokens: first && !(bos && rendered.startsWith(bos)), allowedSpecial: 'all' });
    const pending = [...this.#ids.slice(this.#cache.length), ...fresh];
    this.fedPerTurn.push(pending.length);
    this.#ids.push(...fresh);
    let reply = '';
    try {
      for await (const token of generate(this.model, this.tokenizer, pending, { ...options, cache: this.#cache, stopTokens: this.#stopTokens, addSpecialTokens: false })) {
        this.#ids.push(token.id);
        reply += token.text;
        yield token;
      }
    } finally {
      this.#text = rendered + reply;
      this.messages.push({ role: 'assistant', content: reply });
    }
  }

  /** Every id of the conversation so far (the prompt of a fresh generation that would continue it). */
  get ids(): readonly number[] {
    return this.#ids;
  }

  /** Frees the KV cache. */
  dispose(): void {
    this.#cache.dispose();
  }
}
