import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleForBrowser } from '../../../test-support/bundle-for-browser';
import { BLOCK, chainedCost, headDim, kvHeads } from './kv-cache-run';

// The conformance suite in headless Chromium: WebGL2 through SwiftShader, the backend and the suite bundled
// with esbuild and served from 127.0.0.1. It fails (never skips) when Chromium or WebGL2 is missing.
const chromiumArgs = [
  '--headless=new', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-gpu-sandbox',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
];

interface PageResult {
  error?: string;
  mode?: string;
  renderer?: string;
  name?: string;
  results?: { name: string; passed: boolean; message: string; maxError: number }[];
  kvCache?: { perLaunch: number; units: number; texelsPerAppend: number[]; costs: { length: number; launches: number; texels: number }[] };
}

function bundle(): Promise<string> {
  return bundleForBrowser(join(__dirname, 'browser/conformance-entry.ts'));
}

function serve(script: string): Promise<{ server: Server; url: string }> {
  const page = '<!doctype html><meta charset="utf-8"><title>gpu-backend conformance</title><script type="module" src="/bundle.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    else res.writeHead(404).end();
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    ok({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/` });
  }));
}

describe('conformance in headless Chromium (WebGL2, SwiftShader)', () => {
  const userDataDir = mkdtempSync(join(tmpdir(), 'tk-chromium-'));
  afterAll(() => rmSync(userDataDir, { recursive: true, force: true }));

  it('passes every case in webgl2 mode', async () => {
    const script = await bundle();
    const { server, url } = await serve(script);
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
    try {
      const page = await context.newPage();
      const logs: string[] = [];
      page.on('console', (m) => logs.push(m.text()));
      page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
      await page.goto(url);
      await page.waitForFunction(() => window.__conformance !== undefined, undefined, { timeout: 540_000, polling: 500 });
      const result = (await page.evaluate(() => window.__conformance)) as PageResult;
      expect(result.error, logs.join('\n')).toBeUndefined();
      console.log(`chromium: ${result.name} on ${result.renderer}; ${result.results!.filter((r) => r.passed).length}/${result.results!.length} cases passed`);
      expect(result.mode).toBe('webgl2');
      const failed = result.results!.filter((r) => !r.passed).map((r) => `${r.name}: ${r.message}`);
      expect(failed).toEqual([]);
      expect(result.results!.length).toBeGreaterThan(100);
      // Past the blocks one SwiftShader launch binds: appends stay one block, attention chains launches.
      const kv = result.kvCache!;
      console.log(`chromium: ${kv.units} texture units, ${kv.perLaunch} KV blocks a launch; attention ${kv.costs.map((c) => `${c.length}: ${c.launches} launches, ${c.texels} texels`).join('; ')}`);
      expect(kv.texelsPerAppend).toEqual([BLOCK * kvHeads * headDim]);
      expect(kv.costs.map((c) => c.launches)).toEqual([1, 2, 2]);
      for (const c of kv.costs) expect({ launches: c.launches, texels: c.texels }, `length ${c.length}`).toEqual(chainedCost(c.length, kv.perLaunch, 1));
    } finally {
      await context.close();
      server.close();
    }
  }, 600_000);
});
