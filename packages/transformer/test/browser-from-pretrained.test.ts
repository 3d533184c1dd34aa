import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type ChromiumSession } from '../../../apps/demo/test/launch-chromium';
import { bundleForBrowser } from '../../../test-support/bundle-for-browser';
import { haveShared, sharedDir } from './shared-data';

// The browser fromPretrained in headless Chromium, against a stand-in for the hub on 127.0.0.1 (the same
// layout as the Node test's: /hub/<owner>/<name>/resolve/<revision>/<path> served from ../shared).
const REPOS: Record<string, string> = { 'karpathy/tinyllamas': 'models', 'fixtures/models': 'fixtures/models' };
const available = haveShared('models/stories260K/stories260K.bin', 'models/stories260K/tok512.bin', 'models/stories260K/greedy-256.txt', 'fixtures/models/gpt2-tiny/config.json');

describe.runIf(available)('fromPretrained in Chromium (fetch + Cache Storage, a local hub)', () => {
  let server: Server;
  let origin = '';
  let session: ChromiumSession;
  const hubRequests: string[] = [];

  beforeAll(async () => {
    const script = await bundleForBrowser(join(import.meta.dirname, 'browser/from-pretrained-entry.ts'));
    server = createServer((req, res) => {
      const url = decodeURI(req.url ?? '');
      if (url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script type="module" src="/bundle.js"></script>');
      if (url === '/bundle.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      hubRequests.push(url);
      const m = /^\/hub\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url);
      const root = m && REPOS[m[1]];
      const file = root && m[2] === 'main' ? join(sharedDir, root, m[3]) : '';
      if (!file || file.includes('..') || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end('not found');
      res.writeHead(200, { 'content-length': statSync(file).size, 'content-type': 'application/octet-stream' });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    session = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await new Promise((ok) => server?.close(ok));
  });

  it('loads karpathy/tinyllamas/stories260K with progress per file, caches it, and generates the llama2.c story', async () => {
    const { page, consoleErrors } = session;
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.__result !== undefined, undefined, { timeout: 300_000, polling: 250 });
    const result = (await page.evaluate(() => window.__result)) as Record<string, unknown> & { events: string[] };
    expect(result.error, consoleErrors.join('\n')).toBeUndefined();
    expect(result.format).toBe('llama2c');
    expect(`${result.text}\n`).toBe(readFileSync(join(sharedDir, 'models/stories260K/greedy-256.txt'), 'utf8'));
    // One progress stream per file, ending at the file's size.
    expect(result.events).toContain('download:stories260K/stories260K.bin:1056540/1056540');
    expect(result.events.filter((e) => e.startsWith('download:stories260K/tok512.bin:')).at(-1)).toBe(`download:stories260K/tok512.bin:${statSync(join(sharedDir, 'models/stories260K/tok512.bin')).size}/${statSync(join(sharedDir, 'models/stories260K/tok512.bin')).size}`);
    expect(result.cached).toEqual(expect.arrayContaining(['/hub/karpathy/tinyllamas/resolve/main/stories260K/stories260K.bin', '/hub/karpathy/tinyllamas/resolve/main/stories260K/tok512.bin']));
    // The second load comes from Cache Storage: the same model, no request for a file that exists, no progress.
    expect(result.secondLoad).toBe('llama2c');
    const cachedFilesAsked = hubRequests.filter((r) => r.endsWith('/stories260K.bin') || r.endsWith('/tok512.bin'));
    expect(cachedFilesAsked).toEqual(['/hub/karpathy/tinyllamas/resolve/main/stories260K/stories260K.bin', '/hub/karpathy/tinyllamas/resolve/main/stories260K/tok512.bin']);
    expect(result.events.filter((e) => e.startsWith('again:'))).toEqual([]);
    // A Hugging Face folder: config.json + model.safetensors, no tokenizer.json.
    expect(result.gpt2).toEqual({ format: 'huggingface', family: 'gpt2', hasTokenizer: false });
    expect(result.missing).toBe('karpathy/tinyllamas/nothing-here: no config.json, nothing-here.bin or nothing-here.gguf found in karpathy/tinyllamas/nothing-here');
  }, 360_000);
});
