import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, type CausalLM } from '../src/index';
import { fromPretrained, type HubOptions } from '../src/node/index';
import { haveShared, readShared, sharedDir } from './shared-data';

// A stand-in for the hub: /<owner>/<name>/resolve/<revision>/<path> served from ../shared.
const REPOS: Record<string, string> = { 'karpathy/tinyllamas': 'models', 'fixtures/models': 'fixtures/models' };
const available = haveShared('models/stories260K/stories260K.bin', 'models/stories260K/tok512.bin', 'fixtures/models/gpt2-tiny/config.json');

describe.runIf(available)('fromPretrained over HTTP (HF_ENDPOINT pointing at a local server)', () => {
  let server: Server;
  let endpoint = '';
  const requests: string[] = [];
  const cacheDir = mkdtempSync(join(tmpdir(), 'tk-hub-'));
  const saved = process.env.HF_ENDPOINT;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(decodeURI(req.url ?? ''));
      const root = m && REPOS[m[1]];
      const file = root && m[2] === 'main' ? join(sharedDir, root, m[3]) : '';
      if (!file || file.includes('..') || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-length': statSync(file).size, 'content-type': 'application/octet-stream' });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    process.env.HF_ENDPOINT = endpoint;
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.HF_ENDPOINT;
    else process.env.HF_ENDPOINT = saved;
    await new Promise((resolve) => server.close(resolve));
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('downloads karpathy/tinyllamas/stories260K (the .bin and tok512.bin) with progress, then generates the llama2.c story', async () => {
    const events: string[] = [];
    const options: HubOptions = { cacheDir, onProgress: (p) => events.push(`${p.phase}:${p.file}:${p.loaded}/${p.total}`) };
    const { model, tokenizer, format } = await fromPretrained('karpathy/tinyllamas/stories260K', options);
    expect(format).toBe('llama2c');
    expect(requests).toContain('/karpathy/tinyllamas/resolve/main/stories260K/stories260K.bin');
    expect(requests).toContain('/karpathy/tinyllamas/resolve/main/stories260K/tok512.bin');
    expect(events).toContain('download:stories260K/stories260K.bin:1056540/1056540');
    expect(existsSync(join(cacheDir, 'karpathy--tinyllamas', 'main', 'stories260K', 'stories260K.bin'))).toBe(true);
    let text = '';
    for await (const t of generate(model as CausalLM, tokenizer!, '', { maxTokens: 256, temperature: 0 })) text += t.text;
    expect(text + '\n').toBe(new TextDecoder().decode(readShared('models/stories260K/greedy-256.txt')));
    // A second call is served from the cache: no new request.
    const before = requests.length;
    await fromPretrained('karpathy/tinyllamas/stories260K', { cacheDir });
    expect(requests.length).toBe(before);
  });

  it('downloads a Hugging Face folder (config.json + model.safetensors), skipping absent optional files', async () => {
    const { model, format, tokenizer } = await fromPretrained('fixtures/models/gpt2-tiny', { cacheDir });
    expect(format).toBe('huggingface');
    expect(model.family).toBe('gpt2');
    expect(tokenizer).toBeUndefined();
    expect(requests).toContain('/fixtures/models/resolve/main/gpt2-tiny/model.safetensors');
  });

  it('says clearly when the repository has no model', async () => {
    await expect(fromPretrained('karpathy/tinyllamas/nothing-here', { cacheDir })).rejects.toThrow(/no config\.json, nothing-here\.bin or nothing-here\.gguf found in karpathy\/tinyllamas\/nothing-here/);
    await expect(fromPretrained('./no/such/path', { cacheDir })).rejects.toThrow(/^\.\/no\/such\/path does not exist$/);
    await expect(fromPretrained('stories260K', { cacheDir })).rejects.toThrow(/neither an existing path nor a Hugging Face repository id/);
  });
});
