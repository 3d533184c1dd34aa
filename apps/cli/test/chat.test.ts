import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PLAIN_CHAT_TEMPLATE } from '@transformer-kit/tokenizer';
import { generate, loadLlama2c, type CausalLM, type ForwardOptions } from '@transformer-kit/transformer';
import type { Tensor } from '@transformer-kit/tensor';
import { main } from '../src/index';
import { ChatSession } from '../src/chat-session';
import { haveShared, shared } from './shared-data';

const BIN = 'models/stories260K/stories260K.bin';
const TOK = 'models/stories260K/tok512.bin';
const GREEDY = 'models/stories260K/greedy-256.txt';

/** The CLI with `lines` piped into its stdin. */
async function chatWithStdin(lines: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const stdin = Readable.from([lines]);
  const code = await main(['chat', ...argv], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdin });
  return { code, stdout, stderr };
}

describe.runIf(haveShared(BIN, TOK, GREEDY))('transformer-kit chat on stories260K (plain template)', () => {
  // llama2.c's greedy story from BOS begins "Once upon a time": greedy decoding after that prompt must go on as it does.
  const story = readFileSync(shared(GREEDY), 'utf8');
  const after = story.slice('Once upon a time'.length);

  it('answers each piped line, skipping empty ones, with the plain template named on stderr', async () => {
    const r = await chatWithStdin('Once upon a time\n\nThe dog\n/exit\nnot read\n', '--model', shared(BIN), '-n', '16', '--temperature', '0');
    expect(r.code, r.stderr).toBe(0);
    const replies = r.stdout.split('\n');
    expect(replies).toHaveLength(3); // two replies, then the end
    expect(after.startsWith(replies[0])).toBe(true);
    expect(replies[0].length).toBeGreaterThan(30);
    expect(replies[1].length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/chat template: plain \(/);
    expect(r.stderr).toMatch(/fed 5 new tokens/); // turn 1: BOS + "Once upon a time"
  });

  it('--chat-template takes a tokenizer_config.json: its template renders each turn, and stderr names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-chat-'));
    const config = join(dir, 'tokenizer_config.json');
    const template = "{% for m in messages %}{{ m.role + ': ' + m.content + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ 'assistant:' }}{% endif %}";
    writeFileSync(config, JSON.stringify({ chat_template: template }));
    try {
      const r = await chatWithStdin('Once upon a time\n', '--model', shared(BIN), '--chat-template', config, '-n', '4', '--temperature', '0');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`chat template: ${config}`);
      const { tokenizer } = loadLlama2c(readFileSync(shared(BIN)), readFileSync(shared(TOK)));
      // Turn 1 feeds BOS + the rendering, "user: Once upon a time\nassistant:".
      expect(r.stderr).toContain(`fed ${tokenizer.encode('user: Once upon a time\nassistant:').length} new tokens`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--json answers one message', async () => {
    const r = await chatWithStdin('', '--model', shared(BIN), '--prompt', 'Once upon a time', '-n', '16', '--temperature', '0', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.messages).toEqual([
      { role: 'user', content: 'Once upon a time' },
      { role: 'assistant', content: out.reply },
    ]);
    expect(after.startsWith(out.reply)).toBe(true);
    expect(out.template).toMatch(/^plain/);
  });

  it('keeps the KV cache between turns: turn 2 feeds only its new tokens, and answers as a fresh run over the whole conversation', async () => {
    const { model, tokenizer } = loadLlama2c(readFileSync(shared(BIN)), readFileSync(shared(TOK)));
    const fed: number[] = [];
    const counted: CausalLM = Object.create(model, {
      forward: { value: (ids: Tensor, options?: ForwardOptions) => (fed.push(ids.shape[1]), model.forward(ids, options)) },
    });
    const session = new ChatSession(counted, tokenizer, { template: PLAIN_CHAT_TEMPLATE, specialTokens: {} });
    const reply = async (text: string) => {
      let out = '';
      for await (const t of session.say(text, { maxTokens: 12, temperature: 0 })) out += t.text;
      return out;
    };
    const first = await reply('Once upon a time');
    expect(after.startsWith(first)).toBe(true);
    expect(fed[0]).toBe(5); // the prompt, once
    expect(fed.slice(1).every((n) => n === 1)).toBe(true); // then one token per step
    const before = [...session.ids];
    fed.length = 0;
    const second = await reply('The dog');
    // New tokens only: the reply's last (sampled, never fed) token + "\nThe dog", not the 17 ids before.
    const delta = tokenizer.encode('\nThe dog', { addSpecialTokens: false });
    expect(session.fedPerTurn).toEqual([5, 1 + delta.length]);
    expect(fed[0]).toBe(1 + delta.length);
    expect(before.length).toBe(5 + 12);
    // The same ids from scratch (a fresh cache) must give the same greedy reply.
    let fresh = '';
    for await (const t of generate(model, tokenizer, [...before, ...delta], { maxTokens: 12, temperature: 0 })) fresh += t.text;
    expect(second).toBe(fresh);
    expect(session.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    session.dispose();
  });
});
