import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, loadGguf, type CausalLM } from '@transformer-kit/transformer';
import { runCli } from './run-cli';
import { haveShared, shared } from './shared-data';

const BIN = 'models/stories260K/stories260K.bin';
const GGUF = 'models/stories260K/stories260K.gguf';
const TOK = 'models/stories260K/tok512.bin';
const GREEDY = 'models/stories260K/greedy-256.txt';

describe.runIf(haveShared(BIN, GGUF, TOK, GREEDY))('transformer-kit generate', () => {
  it('prints what llama2.c prints for stories260K, greedy, 256 tokens (the npm start command)', async () => {
    const r = await runCli('generate', '--model', shared(BIN), '--tokenizer', shared(TOK), '--max-tokens', '256', '--temperature', '0');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(shared(GREEDY), 'utf8'));
    expect(r.stderr).toMatch(/achieved tok\/s: \d+/);
  });

  it('does the same from the .gguf with the tokenizer in its metadata', async () => {
    const r = await runCli('generate', '--model', shared(GGUF), '--max-tokens', '256', '--temperature', '0');
    expect(r.stdout).toBe(readFileSync(shared(GREEDY), 'utf8'));
  });

  it('reproduces -t 1.0 -p 0.9 -s 133742', async () => {
    const r = await runCli('generate', '--model', shared(BIN), '--tokenizer', shared(TOK), '--temperature', '1', '--top-p', '0.9', '--seed', '133742');
    expect(r.stdout).toBe(readFileSync(shared('models/stories260K/sample-t1-p0.9-seed133742.txt'), 'utf8'));
  });

  it('continues a prompt, echoing it first', async () => {
    const r = await runCli('generate', '--model', shared(BIN), '--prompt', 'Once upon a time', '--max-tokens', '8', '--temperature', '0');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('Once upon a time')).toBe(true);
    expect(r.stdout.length).toBeGreaterThan('Once upon a time'.length + 8);
  });

  it('reports bad input in one line with a non-zero exit', async () => {
    const cases: [string[], RegExp][] = [
      [['generate'], /generate needs --model/],
      [['generate', '--model', shared(BIN), '--temperature', 'hot'], /--temperature must be a number ≥ 0, got "hot"/],
      [['generate', '--model', shared(BIN), '--top-p', '2'], /--top-p must be in \(0, 1\]/],
      [['generate', '--model', '/nowhere/model.bin'], /cannot load \/nowhere\/model\.bin: \/nowhere\/model\.bin does not exist/],
      [['generate', '--model', shared(BIN), '--bogus'], /Unknown option '--bogus'/],
      [['generate', '--model', shared(BIN), '--backend', 'tpu'], /--backend must be cpu or gpu/],
      [['generate', '--model', shared(BIN), '--prompt', 'Once upon a time. '.repeat(200)], /longer than the model's context of 512/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(...argv);
      expect(r.code, argv.join(' ')).not.toBe(0);
      // Progress lines may precede it; the error itself is the last line, and one line.
      const last = r.stderr.trim().split('\n').pop()!;
      expect(last, argv.join(' ')).toMatch(/^transformer-kit generate: /);
      expect(last, argv.join(' ')).toMatch(message);
      expect(r.stdout, argv.join(' ')).toBe('');
    }
  });
});

// Each model family's GGUF, greedy from the prompt llama.cpp ran: the CLI must print llama.cpp's 32 ids (as text
// here; the lead re-runs the same command with --json after the JSON output lands) and the API must yield them.
for (const family of ['qwen2', 'phi3', 'gemma', 'gemma2']) {
  const gguf = `models/families/${family}-tiny.gguf`;
  const reference = `models/families/${family}-tiny.llama.cpp.json`;
  describe.runIf(haveShared(gguf, reference))(`transformer-kit generate on ${family}-tiny.gguf`, () => {
    const ref = JSON.parse(readFileSync(shared(reference), 'utf8')) as { prompt: string; prompt_ids: number[]; greedy_ids: number[] };
    it('prints llama.cpp’s greedy continuation, and generate() yields its ids', async () => {
      const { model, tokenizer } = loadGguf(readFileSync(shared(gguf)));
      const ids: number[] = [];
      for await (const t of generate(model as CausalLM, tokenizer!, ref.prompt, { maxTokens: 32, temperature: 0 })) ids.push(t.id);
      expect(ids).toEqual(ref.greedy_ids);
      const r = await runCli('generate', '--model', shared(gguf), '--prompt', ref.prompt, '--max-tokens', '32', '--temperature', '0');
      expect(r.code).toBe(0);
      // the continuation's text as it follows the prompt (a leading '▁' is a space there, not stripped)
      const continuation = tokenizer!.decode([...ref.prompt_ids, ...ref.greedy_ids]).slice(tokenizer!.decode(ref.prompt_ids).length);
      expect(r.stdout).toBe(`${ref.prompt}${continuation}\n`);
    });
  });
}
