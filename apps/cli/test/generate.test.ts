import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, loadGguf, type CausalLM } from '@transformer-kit/transformer';
import { createCpuBackend } from '@transformer-kit/tensor';
import { hugePageSupport } from '@transformer-kit/tensor/node';
import { backendThreads } from '../src/backend-threads';
import { runCli } from './run-cli';
import { haveShared, shared } from './shared-data';

const BIN = 'models/stories260K/stories260K.bin';
const GGUF = 'models/stories260K/stories260K.gguf';
const TOK = 'models/stories260K/tok512.bin';
const GREEDY = 'models/stories260K/greedy-256.txt';
// the CLI's heap asks for huge pages; where Linux grants the asking (hugePageSupport), the line says so
const HUGE = hugePageSupport().available ? ', huge pages' : '';

describe.runIf(haveShared(BIN, GGUF, TOK, GREEDY))('transformer-kit generate', () => {
  it('prints what llama2.c prints for stories260K, greedy, 256 tokens (the npm start command)', async () => {
    const r = await runCli('generate', '--model', shared(BIN), '--tokenizer', shared(TOK), '--max-tokens', '256', '--temperature', '0');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(shared(GREEDY), 'utf8'));
    // the last line: the speed and where it ran, the thread count being the engine's own
    const threads = backendThreads(createCpuBackend());
    expect(r.stderr.trim().split('\n').pop()).toMatch(new RegExp(`^achieved tok/s: \\d+\\.\\d \\(cpu, ${threads} threads?${HUGE}\\)$`));
  });

  it('--threads sets the CPU engine\'s threads, and the closing line says how many ran', async () => {
    for (const asked of ['1', '2']) {
      const r = await runCli('generate', '--model', shared(BIN), '-n', '16', '--temperature', '0', '--threads', asked);
      expect(r.code, r.stderr).toBe(0);
      // what the engine runs with when asked for that many (2 → 1 where it cannot make threads)
      const ran = backendThreads(createCpuBackend({ threads: Number(asked) }));
      expect(r.stderr.trim().split('\n').pop()).toMatch(new RegExp(`^achieved tok/s: \\d+\\.\\d \\(cpu, ${ran} threads?${HUGE}\\)$`));
      if (asked === '1') expect(r.stderr).toContain(`(cpu, 1 thread${HUGE})`);
    }
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
      [['generate', '--model', shared(BIN), '--temperature', 'hot'], /--temperature must be a number, got "hot"/],
      [['generate', '--model', shared(BIN), '--top-p', '2'], /--top-p must be in \(0, 1\]/],
      [['generate', '--model', '/nowhere/model.bin'], /cannot load \/nowhere\/model\.bin: \/nowhere\/model\.bin does not exist/],
      [['generate', '--model', shared(BIN), '--bogus'], /Unknown option '--bogus'/],
      [['generate', '--model', shared(BIN), '--backend', 'tpu'], /--backend must be cpu or gpu \(or gpu-js-cpu/],
      [['generate', '--model', shared(BIN), '--threads', '0'], /--threads must be a positive integer or auto, got "0"/],
      [['generate', '--model', shared(BIN), '--threads', '1.5'], /--threads must be a positive integer or auto, got "1\.5"/],
      [['generate', '--model', shared(BIN), '--threads', '2', '--backend', 'gpu'], /--threads sets the CPU backend's threads; --backend gpu has none/],
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

describe.runIf(haveShared(BIN, TOK, GREEDY))('transformer-kit generate: --json, -n, --stop, negative numbers', () => {
  const story = () => readFileSync(shared(GREEDY), 'utf8');

  it('--json prints one object: every id (BOS included), the text as llama2.c prints it, tokens/s', async () => {
    const r = await runCli('generate', '--model', shared(BIN), '--max-tokens', '256', '--temperature', '0', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['model', 'prompt', 'ids', 'text', 'tokensPerSecond', 'backend', 'threads']);
    expect(out.model).toBe(shared(BIN));
    expect(out.prompt).toBe('');
    expect(out.text + '\n').toBe(story()); // llama2.c's run output, without its final newline
    expect(out.ids[0]).toBe(1); // BOS
    expect(out.tokensPerSecond).toBeGreaterThan(0);
    expect(out.backend).toBe('cpu');
    expect(out.threads).toBe(backendThreads(createCpuBackend()));
    const one = JSON.parse((await runCli('generate', '--model', shared(BIN), '-n', '4', '--temperature', '0', '--threads', '1', '--json')).stdout);
    expect(one.threads).toBe(1);
  });

  it('--json with a prompt: ids start with llama2.c\'s encoding of it, text with the prompt', async () => {
    const r = await runCli('generate', '--model', shared(BIN), '--prompt', 'Once upon a time', '-n', '8', '--temperature', '0', '--json');
    const out = JSON.parse(r.stdout);
    expect(out.ids.slice(0, 5)).toEqual([1, 403, 407, 261, 378]);
    expect(out.ids).toHaveLength(5 + 8);
    expect(story().startsWith(out.text)).toBe(true); // greedy from BOS passes through "Once upon a time" too
    expect(out.text.length).toBeGreaterThan('Once upon a time'.length + 8);
  });

  it('-n is --max-tokens', async () => {
    const a = await runCli('generate', '--model', shared(BIN), '-n', '12', '--temperature', '0', '--json');
    const b = await runCli('generate', '--model', shared(BIN), '--max-tokens', '12', '--temperature', '0', '--json');
    expect(JSON.parse(a.stdout).ids).toHaveLength(13);
    expect(JSON.parse(a.stdout).ids).toEqual(JSON.parse(b.stdout).ids);
  });

  it('--stop ends at the earliest of the stop strings, which is not printed (repeatable)', async () => {
    const one = await runCli('generate', '--model', shared(BIN), '--temperature', '0', '--stop', 'Lily');
    expect(one.stdout).toBe(story().slice(0, story().indexOf('Lily')) + '\n');
    const two = await runCli('generate', '--model', shared(BIN), '--temperature', '0', '--stop', 'Lily', '--stop', 'little');
    expect(two.stdout).toBe(story().slice(0, story().indexOf('little')) + '\n');
    const comma = await runCli('generate', '--model', shared(BIN), '--temperature', '0', '--stop', ',');
    expect(comma.stdout).toBe('Once upon a time\n');
  });

  it('a value-taking flag takes the next argument even when it starts with a dash', async () => {
    const r = await runCli('generate', '--model', shared(BIN), '--prompt', '-Once', '-n', '1', '--temperature', '0', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).prompt).toBe('-Once');
  });

  it('takes negative numbers to the flag\'s own check', async () => {
    const cases: [string[], string][] = [
      [['--temperature', '-1'], '--temperature must be ≥ 0, got "-1"'],
      [['--top-k', '-3'], '--top-k must be a non-negative integer, got "-3"'],
      [['-n', '-5'], '--max-tokens must be a non-negative integer, got "-5"'],
      [['--seed', '-7'], '--seed must be a positive integer, got "-7"'],
      [['--temperature', 'hot'], '--temperature must be a number, got "hot"'],
    ];
    for (const [flags, message] of cases) {
      const r = await runCli('generate', '--model', shared(BIN), ...flags);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`transformer-kit generate: ${message}\n`);
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
