// The @wllama/wllama peer for quant.bench.mjs: llama.cpp compiled to WebAssembly, in headless Chromium
// (Debian's /usr/bin/chromium through playwright-core), one thread (the page is not cross-origin isolated,
// so wllama runs its single-thread path), models served from a local HTTP server.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export async function wllamaPeer() {
  const pkg = dirname(require.resolve('@wllama/wllama/package.json'));
  const routes = new Map([
    ['/index.js', join(pkg, 'esm', 'index.js')],
    ['/wllama.wasm', join(pkg, 'esm', 'wasm', 'wllama.wasm')],
  ]);
  const server = createServer((req, res) => {
    const path = routes.get(req.url.split('?')[0]);
    if (!path) {
      res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>wllama</title>');
      return;
    }
    const type = path.endsWith('.js') ? 'text/javascript' : path.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'content-length': statSync(path).size });
    createReadStream(path).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log(`  [chromium] ${m.text()}`); });
  await page.goto(`${base}/`);
  return {
    async load(path) {
      const name = `/model-${routes.size}.gguf`;
      routes.set(name, path);
      await page.evaluate(async ({ base, name }) => {
        const { Wllama } = await import(`${base}/index.js`);
        const w = new Wllama({ default: `${base}/wllama.wasm` }, { logger: { debug() {}, log() {}, info() {}, warn: console.warn, error: console.error }, allowOffline: true });
        w.setCompat?.(null);
        await w.loadModelFromUrl(`${base}${name}`, { n_threads: 1, n_ctx: 512, n_batch: 512, n_gpu_layers: 0, n_parallel: 1 });
        globalThis.wllama = w;
      }, { base, name });
      const run = (prompt, maxTokens) => page.evaluate(async ({ prompt, maxTokens }) => {
        const r = await globalThis.wllama.createCompletion({ prompt, max_tokens: maxTokens, temperature: 0, top_k: 1, cache_prompt: false, ignore_eos: true });
        return r.timings;
      }, { prompt, maxTokens });
      return {
        async decode() {
          const t = await run(PROMPT8_TEXT, 128);
          // llama-server's timings: predicted_* are the generated tokens (the first comes from the prompt's step)
          return { tokensPerSecond: t.predicted_per_second, ids: [] };
        },
        async prompt() {
          const t = await run(PROMPT128_TEXT, 1);
          return { tokensPerSecond: t.prompt_per_second };
        },
        async dispose() {
          await page.evaluate(async () => { await globalThis.wllama.exit(); });
        },
      };
    },
    async close() {
      await browser.close();
      server.close();
    },
  };
}

// NOTE: wllama's completion endpoint takes text, not ids: these tokenize (with BOS) to the 8 ids the other runs
// use, and to about 128 tokens (its timings count the prompt tokens it actually evaluated).
const PROMPT8_TEXT = 'Once upon a time, there was';
const PROMPT128_TEXT = Array.from({ length: 14 }, () => 'Once upon a time, there was a little').join(' ').split(' ').slice(0, 112).join(' ');
