/**
 * The PyTorch fixture models (../shared/fixtures/models: tiny GPT-2, Llama and BERT with PyTorch's own outputs in
 * expected.safetensors) on the gpu.js backend in a real browser: test/browser/fixture-models-entry.ts, bundled by
 * esbuild from the packages' sources, builds each model with the transformer package's public API in headless
 * Chromium (WebGL2 through SwiftShader), compares with PyTorch in the page and reports back. The Node twin on
 * headless GL is apps/cli/test/gpu-models.test.ts. Needs no `vite build`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readSafetensors } from '@transformer-kit/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureModelReport } from './browser/fixture-models-entry';
import { bundleBrowserPage } from './bundle-browser-page';
import { launchChromium, type ChromiumSession } from './launch-chromium';
import { serveStatic } from './static-server';

const fixturesDir = resolve(import.meta.dirname, '../../../../shared/fixtures/models');
const entry = join(import.meta.dirname, 'browser/fixture-models-entry.ts');

/** Each model and the expected.safetensors output its result is compared with; causal models also greedy-decode. */
const MODELS = [
  { name: 'gpt2-tiny', output: 'logits', causal: true },
  { name: 'llama-tiny', output: 'logits', causal: true },
  { name: 'bert-tiny', output: 'last_hidden_state', causal: false },
] as const;

const missing = new Map<string, string>();
for (const { name } of MODELS) {
  const file = ['config.json', 'model.safetensors', 'expected.safetensors'].map((f) => join(fixturesDir, name, f)).find((f) => !existsSync(f));
  if (!file) continue;
  missing.set(name, file);
  console.warn(`fixture-models browser test: ${name} skipped, ${file} is missing (../shared is not beside the repository)`);
}

describe.skipIf(missing.size === MODELS.length)('the PyTorch fixture models on gpu.js in Chromium (WebGL2 through SwiftShader)', () => {
  let page: Awaited<ReturnType<typeof bundleBrowserPage>>;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let browser: ChromiumSession;

  beforeAll(async () => {
    page = await bundleBrowserPage(entry, 'transformer-kit fixture models');
    server = await serveStatic({ '/fixtures/': fixturesDir + '/', '/': page.dir + '/' });
    browser = await launchChromium();
    await browser.page.goto(`${server.url}/`);
    await browser.page.waitForFunction(() => typeof window.runFixtureModel === 'function', null, { timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    page?.dispose();
  });

  for (const { name, output, causal } of MODELS) {
    it.skipIf(missing.has(name))(`${name} matches PyTorch's ${output}${causal ? ' and greedy ids' : ''} within 2e-3`, async () => {
      const expected = readSafetensors(readFileSync(join(fixturesDir, name, 'expected.safetensors')));
      const started = performance.now();
      const report: FixtureModelReport = await browser.page.evaluate((n) => window.runFixtureModel!(n), name);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`${name} on ${report.backend} (${report.renderer}): ${report.comparison.tensor} max abs error ${report.comparison.maxAbsError.toExponential(2)}` +
        `${causal ? `, greedy ids ${report.greedyMatches ? 'equal' : 'differ'}` : ''}; ${seconds} s`);
      expect(report.error, `the page failed on ${name}`).toBeUndefined();
      expect(report.backend).toBe('gpu.js:webgl2');
      // The page compared every element of the reference, not a prefix of it.
      expect(report.comparison.tensor).toBe(output);
      expect(report.comparison.elements).toBe(expected.read(output).length);
      expect(report.comparison.passed, report.comparison.message).toBe(true);
      if (causal) {
        expect(report.greedyIds).toEqual(Array.from(expected.read('greedy_ids')));
        expect(report.greedyMatches).toBe(true);
      }
      expect(report.passed).toBe(true);
    });
  }

  it('logged no console errors', () => {
    expect(browser.consoleErrors).toEqual([]);
  });
});
