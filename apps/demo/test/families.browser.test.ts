/**
 * Every model family the packages read (Qwen2, Phi-3, Gemma, Gemma 2: ../shared/models/families) and a quantized
 * GGUF as people download it (r42m Q4_K_M: Q4_K and Q6_K matrices, kept packed) in the built demo, in Chromium.
 * References nobody here wrote: llama.cpp's own runs of the same files (`<family>-tiny.llama.cpp.json`,
 * `llama.cpp-greedy-Q4_K_M.json`: prompt ids and 32 greedy ids). For each file the page must tokenize the prompt
 * as llama.cpp did, generate llama.cpp's greedy ids, and draw the block panel: its recomputation of every layer
 * (the family's biases, fused matrices, GELU gate, post-norms, packed weights) must give back the model's own
 * residual stream, and its logit lens after the last layer must rank llama.cpp's next token first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingFile, openDemo, setPrompt, type DemoSession } from './demo-page';

interface LlamaCppRun {
  prompt: string;
  prompt_ids: number[];
  greedy_ids: number[];
}

/** Each file, its llama.cpp run, and the family the page must report. */
const FILES = [
  { model: 'families/qwen2-tiny.gguf', reference: 'families/qwen2-tiny.llama.cpp.json', family: 'qwen2', note: /biases/ },
  { model: 'families/phi3-tiny.gguf', reference: 'families/phi3-tiny.llama.cpp.json', family: 'phi3', note: /fused/ },
  { model: 'families/gemma-tiny.gguf', reference: 'families/gemma-tiny.llama.cpp.json', family: 'gemma', note: /GELU/ },
  { model: 'families/gemma2-tiny.gguf', reference: 'families/gemma2-tiny.llama.cpp.json', family: 'gemma2', note: /normalised before it is added/ },
  { model: 'r42m/r42m-Q4_K_M.gguf', reference: 'r42m/llama.cpp-greedy-Q4_K_M.json', family: 'llama', note: /the Llama block as drawn/ },
] as const;

const models = join(import.meta.dirname, '../../../../shared/models');
const missing = new Map<string, string>();
for (const f of FILES) {
  const file = missingFile(join(models, f.model), join(models, f.reference));
  if (!file) continue;
  missing.set(f.model, file);
  console.warn(`families browser test: ${f.model} skipped, ${file} is missing (../shared is not beside the repository)`);
}
const storiesMissing = missingFile(join(models, 'stories260K/stories260K.bin'), join(models, 'stories260K/tok512.bin'));

/** Loads `url` through the page's URL loader and waits until the page has analysed the prompt with it (or refused it). */
async function loadUrl(page: Page, url: string): Promise<void> {
  const before = await page.evaluate(() => document.body.dataset.analysed);
  await page.selectOption('#model-source', 'urls');
  await page.fill('#model-url', url);
  await page.fill('#tokenizer-url', '');
  await page.click('#load-model');
  await page.waitForFunction((b) => document.body.dataset.analysed !== b || (document.querySelector('#load-status') as HTMLElement).dataset.kind === 'error', before, { timeout: 300_000 });
}

describe.skipIf(Boolean(storiesMissing) || missing.size === FILES.length)('model families and a Q4_K_M GGUF in the demo (Chromium, CPU backend in the worker)', () => {
  let demo: DemoSession;
  let page: Page;

  beforeAll(async () => {
    demo = await openDemo('?source=local');
    page = demo.page;
    page.on('pageerror', (e) => console.log(`STACK ${e.stack}`));
  });

  afterAll(async () => {
    await demo?.close();
  });

  for (const f of FILES) {
    it.skipIf(missing.has(f.model))(`${f.model}: llama.cpp's prompt ids and 32 greedy ids; the block panel recomputes the model and its lens ranks llama.cpp's next token first`, async () => {
      const ref = JSON.parse(readFileSync(join(models, f.reference), 'utf8')) as LlamaCppRun;
      const errorsBefore = demo.browser.consoleErrors.length;
      await setPrompt(page, ref.prompt); // on the model loaded before: the load below is then the only analysis pending
      const rotaryDrawn = () => page.waitForFunction((n) => (document.querySelector('#panel-positional') as HTMLElement).dataset.rotaryPositions === String(n), ref.prompt_ids.length, { timeout: 60_000 });
      await rotaryDrawn();
      // Cleared so the positional panel's rotary picture below is known to be this model's (its query through the family's weights).
      await page.evaluate(() => delete (document.querySelector('#panel-positional') as HTMLElement).dataset.rotaryPositions);
      const started = Date.now();
      await loadUrl(page, `${demo.server.url}/models/${f.model}`);
      const status = (await page.textContent('#load-status'))!;
      console.log(`${f.model}: loaded and analysed in ${Date.now() - started} ms; ${status}`);
      expect(await page.getAttribute('#load-status', 'data-kind'), status).toBe('info');
      await page.waitForFunction((p) => window.transformerKitDemo?.analysis?.prompt === p, ref.prompt, { timeout: 60_000 });
      expect(JSON.parse((await page.getAttribute('#panel-tokens', 'data-ids'))!)).toEqual(ref.prompt_ids);
      await rotaryDrawn();

      // The block panel at the last prompt token (the panel's default), layer 0 and the last layer.
      const block = async (layer: number) => {
        await page.selectOption('#block-layer', String(layer));
        await page.waitForFunction(
          ([position, layer]) => {
            const el = document.querySelector('#panel-block') as HTMLElement;
            return el.dataset.position === String(position) && el.dataset.layer === String(layer);
          },
          [ref.prompt_ids.length - 1, layer] as const,
          { timeout: 120_000 },
        );
        return page.$eval('#panel-block', (el) => ({ ...(el as HTMLElement).dataset }));
      };
      const layers = await page.$$eval('#block-layer option', (els) => els.length);
      for (const layer of [layers - 1, 0]) {
        const view = await block(layer);
        expect(view.family).toBe(f.family);
        // The recomputed x + a + f equals the model's own stream after every layer (CPU: 1e-4 abs + rel).
        const error = Number(view.residualError);
        const scale = Number(view.streamMax);
        console.log(`${f.model} layer ${layer}: residual recomputation error ${error.toExponential(2)} (stream max ${scale.toFixed(3)})`);
        expect(error).toBeLessThanOrEqual(1e-4 + 1e-4 * scale);
        const lens = JSON.parse(view.lens!) as { id: number; p: number }[][];
        expect(lens.length).toBe(layers + 1);
        expect(lens[layers][0].id).toBe(ref.greedy_ids[0]);
      }
      expect(await page.textContent('[data-testid="family-note"]')).toMatch(f.note);

      await page.fill('#temperature', '0');
      await page.fill('#max-tokens', String(ref.greedy_ids.length));
      const generating = Date.now();
      await page.click('#generate');
      await page.waitForFunction(() => (document.querySelector('#panel-output') as HTMLElement).dataset.generating === 'false', null, { timeout: 300_000 });
      const ids = JSON.parse((await page.getAttribute('#panel-output', 'data-generated-ids'))!) as number[];
      console.log(`${f.model}: ${ids.length} greedy tokens in ${Date.now() - generating} ms`);
      expect(ids).toEqual(ref.greedy_ids);
      expect(demo.browser.consoleErrors.slice(errorsBefore)).toEqual([]);
      if (f.family === 'gemma2' || f.family === 'llama') await demo.shoot('#panel-block', `6d-block-${f.model.split('/')[1].replace('.gguf', '')}.png`);
    });
  }

  it.skipIf(missing.has(FILES[0].model))('qwen2-tiny on gpu.js (WebGL2 on SwiftShader, in the worker): llama.cpp’s 32 greedy ids', async () => {
    const f = FILES[0];
    const ref = JSON.parse(readFileSync(join(models, f.reference), 'utf8')) as LlamaCppRun;
    await setPrompt(page, ref.prompt);
    // Panels that ask about the prompt while a new model is opening (its engine holds no analysis yet) get nothing
    // back rather than an error, and are redrawn by the analysis that follows the open.
    const errorsBefore = demo.browser.consoleErrors.length;
    // The layer pickers change the moment the page enters 'loading', from inside the page: a tiny model opens in
    // less time than Playwright takes to poll, so a change sent from here could miss the window (CI did).
    await page.evaluate(() => {
      delete document.body.dataset.changedWhileLoading;
      const observer = new MutationObserver(() => {
        if (document.body.dataset.state !== 'loading') return;
        observer.disconnect();
        for (const id of ['block-layer', 'rotary-layer']) {
          const picker = document.getElementById(id) as HTMLSelectElement;
          picker.value = '1';
          picker.dispatchEvent(new Event('change'));
        }
        document.body.dataset.changedWhileLoading = 'true';
      });
      observer.observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
    });
    await loadUrl(page, `${demo.server.url}/models/${f.model}`);
    expect(await page.evaluate(() => document.body.dataset.changedWhileLoading)).toBe('true');
    expect(await page.getAttribute('#load-status', 'data-kind')).toBe('info');
    await page.selectOption('#block-layer', '1');
    await page.waitForFunction(() => (document.querySelector('#panel-block') as HTMLElement).dataset.layer === '1', null, { timeout: 60_000 });
    expect(demo.browser.consoleErrors.slice(errorsBefore)).toEqual([]);
    expect(JSON.parse((await page.getAttribute('#panel-tokens', 'data-ids'))!)).toEqual(ref.prompt_ids);
    await page.check('#backend-gpu');
    await page.waitForFunction(() => !(document.querySelector('#generate') as HTMLButtonElement).disabled, null, { timeout: 120_000 });
    await page.fill('#temperature', '0');
    await page.fill('#max-tokens', String(ref.greedy_ids.length));
    await page.click('#generate');
    await page.waitForFunction(() => (document.querySelector('#panel-output') as HTMLElement).dataset.generating === 'false', null, { timeout: 300_000 });
    expect(JSON.parse((await page.getAttribute('#panel-output', 'data-generated-ids'))!)).toEqual(ref.greedy_ids);
    await page.check('#backend-cpu');
    await page.waitForFunction(() => document.querySelector('[data-testid="active-backend"]')?.textContent === 'cpu', null, { timeout: 60_000 });
  });

  it('logged no console or page errors', () => {
    expect(demo.browser.consoleErrors).toEqual([]);
  });
});
