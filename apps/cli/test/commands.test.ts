import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { haveShared, shared } from './shared-data';

describe('transformer-kit', () => {
  it('prints help for the program and every command, and rejects an unknown command', async () => {
    expect((await runCli('--help')).stdout).toMatch(/Commands:\n {2}generate/);
    for (const command of ['generate', 'chat', 'tokenize', 'inspect', 'parity', 'bench']) {
      const r = await runCli(command, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: transformer-kit ${command}`));
    }
    const r = await runCli('train');
    expect(r.code).toBe(1);
    const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
    expect(await runCli('--version')).toEqual({ code: 0, stdout: `transformer-kit ${version}\n`, stderr: '' });
    expect(r.stderr).toBe("transformer-kit: unknown command 'train' (commands: generate, chat, tokenize, inspect, parity, bench; see transformer-kit --help)\n");
  });
});

describe.runIf(haveShared('tokenizers/llama2/tokenizer.bin', 'tokenizers/llama2/test-vectors.json', 'tokenizers/bert-base-uncased/vocab.txt', 'tokenizers/gpt2/encoder.json'))('transformer-kit tokenize', () => {
  it("gives llama2.c's ids (BOS included) for its test vectors", async () => {
    const { cases } = JSON.parse(readFileSync(shared('tokenizers/llama2/test-vectors.json'), 'utf8')) as { cases: { text: string; ids_with_bos: number[] }[] };
    for (const c of cases.slice(0, 5)) {
      const r = await runCli('tokenize', '--tokenizer', shared('tokenizers/llama2/tokenizer.bin'), '--text', c.text, '--json');
      expect(JSON.parse(r.stdout).ids).toEqual(c.ids_with_bos);
    }
  });

  it('wraps BERT input in [CLS] … [SEP]', async () => {
    const r = await runCli('tokenize', '--tokenizer', shared('tokenizers/bert-base-uncased/vocab.txt'), '--text', 'Hello world!', '--json');
    const { tokens } = JSON.parse(r.stdout);
    expect(tokens[0]).toBe('[CLS]');
    expect(tokens[tokens.length - 1]).toBe('[SEP]');
  });

  it('adds nothing for GPT-2, and agrees with js-tiktoken', async () => {
    const text = 'Hello world, this is GPT-2 speaking.';
    const r = await runCli('tokenize', '--tokenizer', shared('tokenizers/gpt2/encoder.json'), '--text', text, '--json');
    expect(JSON.parse(r.stdout).ids).toEqual(getEncoding('gpt2').encode(text));
  });

  it('prints a table by default', async () => {
    const r = await runCli('tokenize', '--tokenizer', shared('tokenizers/llama2/tokenizer.bin'), '--text', 'Hi');
    expect(r.stdout).toMatch(/^\d+ tokens \(sentencepiece-bpe, vocabulary 32000\)\nids: 1 /);
  });
});

describe.runIf(haveShared('fixtures/models/gpt2-tiny/config.json', 'fixtures/layers/encoder-postln-relu.safetensors'))('transformer-kit parity', () => {
  const temp = mkdtempSync(join(tmpdir(), 'tk-parity-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('passes every fixture in ../shared/fixtures on the CPU', async () => {
    const r = await runCli('parity', shared('fixtures'), '--json');
    const report = JSON.parse(r.stdout);
    const failing = report.cases.filter((c: { pass: boolean }) => !c.pass);
    expect(failing).toEqual([]);
    expect(r.code).toBe(0);
    expect(report.tolerance).toBe(1e-4);
    const names = report.cases.map((c: { case: string }) => c.case);
    // 6 attention + 5 positional + 3 layer cases, and 4 model cases (llama-tiny twice: safetensors and llama2.c).
    expect(names.length).toBe(18);
    expect(names).toContain('models/llama-tiny (model.llama2c.bin)');
  });

  it('prints one line per case and a summary', async () => {
    const r = await runCli('parity', shared('fixtures/layers'));
    expect(r.stdout).toMatch(/^pass {2}encoder-postln-relu\.safetensors +output \d\.\d\de-\d+/m);
    expect(r.stdout).toMatch(/3\/3 cases pass on cpu \(tolerance 0\.0001\)/);
  });

  it('fails on an unknown kind and on a wrong expectation', async () => {
    const header = (config: object) => {
      const json = JSON.stringify({ __metadata__: { config: JSON.stringify(config) }, 'expected.table': { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] } });
      const bytes = new Uint8Array(8 + json.length + 8);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
      bytes.set(new TextEncoder().encode(json), 8);
      return bytes;
    };
    writeFileSync(join(temp, 'mystery.safetensors'), header({ kind: 'mystery layer' }));
    writeFileSync(join(temp, 'wrong.safetensors'), header({ kind: 'sinusoidal (Vaswani et al. 2017, section 3.5)', max_len: 1, dim: 2 })); // expects [0, 0]; sin 0 = 0, cos 0 = 1
    const r = await runCli('parity', temp);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}mystery\.safetensors +unknown kind "mystery layer"/);
    expect(r.stdout).toMatch(/FAIL {2}wrong\.safetensors +table 1\.00e\+0/);
  });
});

describe.runIf(haveShared('models/stories260K/stories260K.bin', 'models/stories260K/tok512.bin'))('transformer-kit inspect and bench', () => {
  it('walks the six steps', async () => {
    const r = await runCli('inspect', '--model', shared('models/stories260K/stories260K.bin'), '--prompt', 'Once upon a time', '--layer', '4', '--top', '3');
    expect(r.code).toBe(0);
    for (const step of ['1. tokens', '2. embeddings', '3. positions: rotary embedding (interleaved', '4. self-attention', '5. multi-head attention', '6. output']) expect(r.stdout).toContain(step);
    expect(r.stdout).toMatch(/layer 4 head {2}7: /);
    expect(r.stdout).not.toMatch(/layer 3 head/);
  });

  it('measures tokens per second', async () => {
    const r = await runCli('bench', '--model', shared('models/stories260K/stories260K.bin'), '--tokens', '32', '--runs', '2', '--threads', '1', '--json');
    const result = JSON.parse(r.stdout);
    expect(result.backend).toBe('cpu');
    expect(result.threads).toBe(1);
    expect(result.tokensPerSecond.length).toBe(2);
    expect(result.medianTokensPerSecond).toBeGreaterThan(0);
  });
});

// inspect on each model family: the six steps, the family's positions line, and as the most probable next
// token the first of llama.cpp's greedy ids after the same prompt.
for (const [family, header, positions] of [
  ['qwen2', 'qwen2, 3 layers, width 128', 'rotary embedding (halves pairs, θ = 10000)'],
  ['phi3', 'phi3, 3 layers, width 128', 'a sliding window of 2048 positions'],
  ['gemma', 'gemma, 3 layers, width 128', 'rotary embedding (halves pairs, θ = 10000)'],
  ['gemma2', 'gemma2, 26 layers, width 128', 'a sliding window of 16 positions on even layers'],
] as const) {
  const gguf = `models/families/${family}-tiny.gguf`;
  const reference = `models/families/${family}-tiny.llama.cpp.json`;
  describe.runIf(haveShared(gguf, reference))(`transformer-kit inspect on ${family}-tiny.gguf`, () => {
    it('walks the six steps and ranks llama.cpp’s next token first', async () => {
      const ref = JSON.parse(readFileSync(shared(reference), 'utf8')) as { prompt: string; greedy_ids: number[] };
      const r = await runCli('inspect', '--model', shared(gguf), '--prompt', ref.prompt, '--layer', '1', '--top', '3');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(header);
      expect(r.stdout).toContain(positions);
      for (const step of ['1. tokens (10)', '4. self-attention', '5. multi-head attention', '6. output']) expect(r.stdout).toContain(step);
      const firstRanked = /6\. output[^\n]*\n\s+[\d.]+%\s+(\d+)/.exec(r.stdout);
      expect(Number(firstRanked?.[1])).toBe(ref.greedy_ids[0]);
    });
  });
}

describe.runIf(haveShared('models/r42m/r42m-Q4_K_M.gguf'))('transformer-kit on a quantized GGUF (r42m-Q4_K_M)', () => {
  it('inspect lists each tensor with its weight type', async () => {
    const r = await runCli('inspect', '--model', shared('models/r42m/r42m-Q4_K_M.gguf'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^weights: 75 tensors/);
    expect(r.stdout).toMatch(/ token_embd\.weight +Q4_K +\[32000, 512\] +9216000 bytes/);
    expect(r.stdout).toMatch(/ output\.weight +Q6_K +\[32000, 512\] +13440000 bytes/);
    expect(r.stdout).toMatch(/ output_norm\.weight +F32 +\[512\]/);
    expect(r.stdout).toContain('by type: Q6_K 9 tensors, 16.5 MB; F32 17 tensors, 0.0 MB; Q4_K 49 tensors, 21.3 MB');
  });

  it('generate runs it (greedy ids as llama.cpp: the first token after the prompt is "kens")', async () => {
    const r = await runCli('generate', '--model', shared('models/r42m/r42m-Q4_K_M.gguf'), '--prompt', 'Once upon a time, there was a little', '--max-tokens', '4', '--temperature', '0');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Once upon a time, there was a littlekenskenskenskens');
  });
});
