// Issue #12 through the CLI: hostile or broken inputs end in one line on stderr and a non-zero exit — a hub
// index naming a shard outside the repository (finding 1), NaN weights (finding 3), a tokenizer from another
// model (finding 9), /dev/zero as a model ("Also").
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalHub, type LocalHub } from '../../../test-support/local-hub';
import { runCli } from './run-cli';
import { haveShared, shared } from './shared-data';

const BIN = 'models/stories260K/stories260K.bin';
const TOK = 'models/stories260K/tok512.bin';
const temp = mkdtempSync(join(tmpdir(), 'tk-cli-hostile-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The CLI's one error line: the last stderr line (progress lines may precede it). */
function errorLine(r: { code: number; stdout: string; stderr: string }): string {
  expect(r.code).not.toBe(0);
  expect(r.stdout).toBe('');
  const last = r.stderr.trim().split('\n').pop()!;
  expect(last).toMatch(/^transformer-kit generate: /);
  expect(last).not.toMatch(/\n| {4}at /);
  return last;
}

describe.runIf(haveShared(BIN, TOK, 'tokenizers/llama2/tokenizer.bin'))('generate refuses broken inputs in one line', () => {
  it('refuses the 32,000-token Llama 2 tokenizer for the 512-row stories260K (finding 9)', async () => {
    const r = await runCli('generate', '--model', shared(BIN), '--tokenizer', shared('tokenizers/llama2/tokenizer.bin'), '--max-tokens', '4');
    expect(errorLine(r)).toBe(
      `transformer-kit generate: ${shared('tokenizers/llama2/tokenizer.bin')} has 32000 tokens but the embedding of ${shared(BIN)} has 512 rows: they do not belong together (a llama2.c tokenizer must have exactly one token per row)`,
    );
  });

  it('refuses a checkpoint with a NaN weight, naming the tensor (finding 3)', async () => {
    const bytes = new Uint8Array(readFileSync(shared(BIN)));
    const rmsFinal = bytes.length - 4 * (64 + 2 * 512 * 4); // rms_final [64] then two RoPE tables [512, 4]
    new DataView(bytes.buffer).setFloat32(rmsFinal, NaN, true);
    const path = join(temp, 'nan.bin');
    writeFileSync(path, bytes);
    const r = await runCli('generate', '--model', path, '--tokenizer', shared(TOK), '--max-tokens', '4', '--temperature', '0');
    expect(errorLine(r)).toBe(`transformer-kit generate: cannot load ${path}: nan.bin: tensor 'model.norm.weight' holds 1 NaN and 0 infinite values of 64: the checkpoint is corrupt (pass allowNonFinite: true to load it anyway)`);
  });

  it('stops generation with one line when finite weights overflow to infinite logits (finding 3)', async () => {
    const bytes = new Uint8Array(readFileSync(shared(BIN)));
    const view = new DataView(bytes.buffer);
    const rmsFinal = bytes.length - 4 * (64 + 2 * 512 * 4);
    for (let i = 0; i < 64; i++) view.setFloat32(rmsFinal + 4 * i, 3e38, true); // finite, but the logits overflow
    const path = join(temp, 'overflow.bin');
    writeFileSync(path, bytes);
    for (const sampling of [['--temperature', '0'], ['--temperature', '1', '--top-p', '0.9', '--seed', '1']]) {
      const r = await runCli('generate', '--model', path, '--tokenizer', shared(TOK), '--max-tokens', '4', ...sampling);
      expect(errorLine(r)).toMatch(/^transformer-kit generate: generate: the model's logits for position 1 hold \d+ NaN and \d+ infinite values of 512: the weights or the computation are broken, refusing to sample$/);
    }
  });

  it('refuses /dev/zero at once instead of reading until memory runs out ("Also")', async () => {
    const r = await runCli('generate', '--model', '/dev/zero');
    expect(errorLine(r)).toBe('transformer-kit generate: cannot load /dev/zero: cannot read /dev/zero: it is a character device, not a regular file');
    const t = await runCli('generate', '--model', shared(BIN), '--tokenizer', '/dev/zero');
    expect(errorLine(t)).toBe('transformer-kit generate: tokenizer cannot read /dev/zero: it is a character device, not a regular file');
  });
});

describe('generate --model owner/repo with a hostile index (finding 1)', () => {
  let hub: LocalHub;
  const saved = { endpoint: process.env.HF_ENDPOINT, cache: process.env.TRANSFORMER_KIT_CACHE };
  const cache = join(temp, 'a', 'b', 'cache');

  beforeAll(async () => {
    hub = await startLocalHub((path, _req, res) => {
      if (path === '/evil/repo/resolve/main/config.json') return void res.writeHead(200).end(JSON.stringify({ model_type: 'llama', vocab_size: 8, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1, num_attention_heads: 2 }));
      if (path === '/evil/repo/resolve/main/model.safetensors.index.json') return void res.writeHead(200).end(JSON.stringify({ weight_map: { 'lm_head.weight': '../../../escaped.safetensors' } }));
      if (path.includes('escaped')) return void res.writeHead(200).end('pwned');
      res.writeHead(404).end();
    });
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.TRANSFORMER_KIT_CACHE = cache;
  });
  afterAll(async () => {
    for (const [k, v] of [['HF_ENDPOINT', saved.endpoint], ['TRANSFORMER_KIT_CACHE', saved.cache]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await hub.close();
  });

  it('never downloads the shard, writes nothing outside the cache, and names the index, the shard and the rule', async () => {
    const r = await runCli('generate', '--model', 'evil/repo', '--max-tokens', '1');
    expect(errorLine(r)).toBe(
      `transformer-kit generate: cannot load evil/repo: model.safetensors.index.json: weight_map['lm_head.weight'] names "../../../escaped.safetensors", which is refused because it has a '..' segment (a shard must be a plain relative name inside the repository: no '..', '.' or empty segments, no absolute path, drive letter or backslash)`,
    );
    expect(r.stderr).not.toMatch(/downloading \.\.\//);
    expect(hub.requests.some((p) => p.includes('escaped'))).toBe(false);
    expect(readdirSync(temp, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('escaped'))).toEqual([]);
    expect(existsSync(join(temp, 'escaped.safetensors'))).toBe(false);
  });
});
