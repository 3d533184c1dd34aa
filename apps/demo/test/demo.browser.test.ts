/**
 * The demo in a real browser: the static build (dist/) served by a plain node http server with ../shared/models,
 * driven by Chromium through playwright-core on SwiftShader's WebGL2. The page's numbers are checked against
 * references computed here in Node, on the CPU backend, from the packages' sources, and against references
 * nobody here wrote: llama2.c's tokenizer algorithm (test/llama2c-encode.ts, a port of run.c) and llama2.c's
 * own greedy output for stories260K (../shared/models/stories260K/greedy-256.txt).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createCpuBackend, setBackend, slice, tensor } from '@transformer-kit/tensor';
import { loadLlama2cTokenizer } from '@transformer-kit/tokenizer';
import { generate, LlamaModel, readLlama2c } from '@transformer-kit/transformer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequential } from '../src/draw/color';
import { missingFile, openDemo, screenshots, sharedModels, type DemoSession } from './demo-page';
import { llama2cEncode, readLlama2cVocab } from './llama2c-encode';

const modelFile = join(sharedModels, 'stories260K/stories260K.bin');
const tokenizerFile = join(sharedModels, 'stories260K/tok512.bin');
const greedyFile = join(sharedModels, 'stories260K/greedy-256.txt');
const missing = missingFile(modelFile, tokenizerFile, greedyFile);
if (missing) console.warn(`demo browser test skipped: ${missing} is missing (../shared is not beside the repository)`);

const PROMPT = 'Once upon a time, there was a little girl named Lily.';
/** A second prompt for the tokenizer only: a character outside the vocabulary falls back to <0xXX> byte tokens. */
const BYTES_PROMPT = 'Tom ate a crêpe 🍓 at the park.';
const GPU_TOLERANCE = 2e-3; // the team's tolerance for GPU backends against the CPU backend
const CPU_TOLERANCE = 1e-4; // the page's default backend here is the CPU (a software renderer: see the first test)
const close = (a: number, e: number, tol: number) => Math.abs(a - e) <= tol + tol * Math.abs(e);

/** CPU references from the packages, in Node. */
async function cpuReference(prompt: string, layer: number, head: number) {
  setBackend(createCpuBackend());
  const { config, weights } = readLlama2c(readFileSync(modelFile), 'stories260K.bin');
  const model = new LlamaModel(config, weights);
  const tokenizer = loadLlama2cTokenizer(readFileSync(tokenizerFile), { vocabSize: config.vocabSize });
  const ids = tokenizer.encode(prompt);
  const out = model.forward(tensor(Int32Array.from(ids), [1, ids.length], 'int32'), { outputAttentions: true });
  const seq = ids.length;
  const map = slice(out.attentions![layer], [0, head, 0, 0], [1, 1, seq, seq]); // [1, 1, seq, seq]
  const attention = Array.from(await map.data());
  const greedy: number[] = [];
  let text = '';
  for await (const t of generate(model, tokenizer, prompt, { maxTokens: 32, temperature: 0 })) {
    greedy.push(t.id);
    text += t.text;
  }
  model.dispose();
  return { attention, seq, greedy, text };
}

describe.skipIf(Boolean(missing))('the demo in Chromium (WebGL2 through SwiftShader)', () => {
  let demo: DemoSession;
  let page: Page;
  const shoot = (selector: string, name: string) => demo.shoot(selector, name);
  const attentionData = async () =>
    page.$eval('[data-testid="attention-map"]', (c) => ({
      layer: Number((c as HTMLCanvasElement).dataset.layer),
      head: Number((c as HTMLCanvasElement).dataset.head),
      weights: JSON.parse((c as HTMLCanvasElement).dataset.weights!) as number[][],
      layout: JSON.parse((c as HTMLCanvasElement).dataset.layout!) as { left: number; top: number; cellWidth: number; cellHeight: number },
    }));

  beforeAll(async () => {
    demo = await openDemo(`?source=local&prompt=${encodeURIComponent(PROMPT)}`);
    page = demo.page;
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('defaults to the CPU backend in a Web Worker on a software renderer, saying so, and shows the renderer', async () => {
    expect(await page.textContent('[data-testid="renderer"]')).toMatch(/SwiftShader/);
    expect(await page.getAttribute('#backend', 'data-default-reason')).toBe('software-renderer');
    expect(await page.textContent('[data-testid="backend-note"]')).toContain('software rasteriser');
    expect(await page.textContent('[data-testid="active-backend"]')).toBe('cpu');
    expect(await page.isChecked('#backend-cpu')).toBe(true);
    expect(await page.evaluate(() => window.transformerKitDemo?.engine)).toBe('worker');
    // COOP/COEP: the page is cross-origin isolated, so SharedArrayBuffer (CPU threads, issue #13) is available.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await shoot('.setup', '0-model-and-backend.png');
  });

  it('step 1 lists the tokens llama2.c’s encoder produces, with spans over the text', async () => {
    const vocab = readLlama2cVocab(readFileSync(tokenizerFile), 512);
    for (const prompt of [BYTES_PROMPT, PROMPT]) {
      await page.fill('#prompt', prompt);
      await page.waitForFunction((p) => window.transformerKitDemo?.analysis?.prompt === p, prompt, { timeout: 60_000 });
      await page.waitForFunction((p) => document.querySelector('[data-testid="token-text"]')?.textContent?.endsWith(p.slice(-5)), prompt);
      const expected = llama2cEncode(vocab, prompt);
      const ids = JSON.parse((await page.getAttribute('#panel-tokens', 'data-ids'))!);
      expect(ids).toEqual(expected);
      const chips = await page.$$eval('[data-testid="token-chips"] .chip', (els) => els.map((e) => Number((e as HTMLElement).dataset.id)));
      expect(chips).toEqual(expected);
      // The highlighted spans, in order, spell the prompt; BOS is a chip of its own.
      const spans = await page.$$eval('[data-testid="token-text"] .token:not(.special)', (els) => els.map((e) => e.textContent).join(''));
      expect(spans).toBe(prompt);
      expect(await page.textContent('[data-testid="token-count"]')).toContain(`${expected.length} tokens`);
      // Hovering a token shows its id.
      const title = await page.getAttribute('[data-testid="token-text"] .token:not(.special) >> nth=1', 'title');
      expect(title).toContain(`id ${expected[2]}`);
    }
    await page.hover('[data-testid="token-text"] .token:not(.special) >> nth=3');
    await shoot('#panel-tokens', '1-tokenization.png');
  });

  it('step 2 draws the embedding strips, the PCA map and the nearest tokens', async () => {
    await page.waitForSelector('[data-testid="neighbours"] li');
    const neighbours = await page.$$eval('[data-testid="neighbours"] li', (els) => els.length);
    expect(neighbours).toBe(8);
    for (const id of ['embedding-strips', 'embedding-map']) {
      const inked = await page.$eval(`[data-testid="${id}"]`, (c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) n++;
        return n / (data.length / 4);
      });
      expect(inked, id).toBeGreaterThan(0.02);
    }
    await shoot('#panel-embedding', '2-embedding.png');
  });

  it('step 3 draws the sinusoidal table and the rotary turn of a query at every position', async () => {
    await page.waitForSelector('#panel-positional[data-rotary-positions]');
    const positions = Number(await page.getAttribute('#panel-positional', 'data-rotary-positions'));
    expect(positions).toBe(llama2cEncode(readLlama2cVocab(readFileSync(tokenizerFile), 512), PROMPT).length);
    await shoot('#panel-positional', '3-positional.png');
  });

  it('step 4 draws softmax rows under the causal mask, equal to the CPU reference (1e-4: the page runs on the CPU)', async () => {
    const layer = 2;
    const head = 5;
    await page.selectOption('#attention-layer', String(layer));
    await page.selectOption('#attention-head', String(head));
    const shown = await attentionData();
    expect([shown.layer, shown.head]).toEqual([layer, head]);
    const reference = await cpuReference(PROMPT, layer, head);
    expect(shown.weights.length).toBe(reference.seq);
    shown.weights.forEach((row, r) => {
      const total = row.reduce((a, b) => a + b, 0);
      expect(close(total, 1, CPU_TOLERANCE), `row ${r} sums to ${total}`).toBe(true);
      row.forEach((w, c) => {
        if (c > r) expect(w, `masked cell (${r}, ${c})`).toBe(0);
        const e = reference.attention[r * reference.seq + c];
        expect(close(w, e, CPU_TOLERANCE), `cell (${r}, ${c}): ${w} vs CPU ${e}`).toBe(true);
      });
    });
    // The canvas is painted from those numbers: each unmasked cell's corner pixel has the colour of its weight.
    const pixels = await page.$eval(
      '[data-testid="attention-map"]',
      (c, cells) => {
        const ctx = (c as HTMLCanvasElement).getContext('2d')!;
        return cells.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data));
      },
      shown.weights.flatMap((row, r) => row.map((_, col) => [Math.round(shown.layout.left + col * shown.layout.cellWidth + 2), Math.round(shown.layout.top + r * shown.layout.cellHeight + 2)])),
    );
    let checked = 0;
    shown.weights.forEach((row, r) =>
      row.forEach((w, col) => {
        const px = pixels[r * row.length + col];
        if (col > r) {
          // The hatch is blue-grey (#eceff1 with #b0bec5 lines): no viridis colour is that close to grey.
          expect(px[0] >= 170 && px[0] <= 245 && Math.abs(px[0] - px[2]) <= 25, `masked cell (${r}, ${col}) is hatched grey: ${px}`).toBe(true);
          return;
        }
        const [er, eg, eb] = sequential(w).match(/\d+/g)!.map(Number);
        expect(Math.max(Math.abs(px[0] - er), Math.abs(px[1] - eg), Math.abs(px[2] - eb)), `cell (${r}, ${col}) colour`).toBeLessThanOrEqual(3);
        checked++;
      }),
    );
    expect(checked).toBe((reference.seq * (reference.seq + 1)) / 2);
    // Hovering row 6 says where that token looks.
    const rowY = shown.layout.top + 6.5 * shown.layout.cellHeight;
    await page.hover('[data-testid="attention-map"]', { position: { x: shown.layout.left + 4, y: rowY } });
    await page.waitForFunction(() => document.querySelector('[data-testid="attention-looks"] strong') !== null);
    expect(await page.textContent('[data-testid="attention-looks"]')).toContain('looks at');
    await shoot('#panel-attention', '4-self-attention.png');
  });

  it('step 5 shows every head of a layer, notes GQA, and opens a head in step 4', async () => {
    await page.selectOption('#heads-layer', '1');
    const heads = await page.$$('[data-testid="heads-grid"] button.head');
    expect(heads.length).toBe(8);
    expect(await page.textContent('[data-testid="gqa-note"]')).toContain('8 query heads share 4 key/value heads');
    await shoot('#panel-heads', '5-multi-head.png');
    await page.click('[data-testid="heads-grid"] button.head[data-head="6"]');
    await page.waitForFunction(() => (document.querySelector('[data-testid="attention-map"]') as HTMLElement).dataset.head === '6');
    expect((await attentionData()).layer).toBe(1);
  });

  it('step 6 generates 32 greedy tokens equal to the CPU reference, with probabilities and ms per token', async () => {
    const reference = await cpuReference(PROMPT, 0, 0);
    await page.fill('#temperature', '0');
    await page.fill('#max-tokens', '32');
    await page.click('#generate');
    await page.waitForFunction(() => (document.querySelector('#panel-output') as HTMLElement).dataset.generating === 'false', null, { timeout: 300_000 });
    const ids = JSON.parse((await page.getAttribute('#panel-output', 'data-generated-ids'))!);
    expect(ids).toEqual(reference.greedy);
    expect(await page.getAttribute('#panel-output', 'data-generated-text')).toBe(reference.text);
    const probabilities = await page.$$eval('.generated-token', (els) => els.map((e) => Number((e as HTMLElement).dataset.p)));
    expect(probabilities.length).toBe(reference.greedy.length);
    for (const p of probabilities) expect(p > 0 && p <= 1).toBe(true);
    expect(await page.textContent('[data-testid="generation-speed"]')).toMatch(/ms per token/);
    const top = JSON.parse((await page.getAttribute('#panel-output', 'data-top'))!) as { id: number; p: number }[];
    expect(top.length).toBe(10);
    await shoot('#panel-output', '7-output.png');
  });

  it('from an empty prompt, greedy generation is llama2.c’s own story (greedy-256.txt)', async () => {
    const story = readFileSync(greedyFile, 'utf8');
    await page.fill('#prompt', '');
    await page.waitForFunction(() => window.transformerKitDemo?.analysis?.prompt === '', null, { timeout: 60_000 });
    await page.click('#generate');
    await page.waitForFunction(() => (document.querySelector('#panel-output') as HTMLElement).dataset.generating === 'false', null, { timeout: 300_000 });
    const text = (await page.getAttribute('#panel-output', 'data-generated-text'))!;
    expect(JSON.parse((await page.getAttribute('#panel-output', 'data-generated-ids'))!).length).toBe(32);
    expect(text.length).toBeGreaterThan(60);
    expect(story.startsWith(text), `${JSON.stringify(text)} is not the start of greedy-256.txt`).toBe(true);
  });

  it('switches to gpu.js (WebGL2 on an OffscreenCanvas in the worker), draws the same attention and generates the same tokens', async () => {
    await page.fill('#prompt', PROMPT);
    await page.waitForFunction((p) => window.transformerKitDemo?.analysis?.prompt === p, PROMPT, { timeout: 60_000 });
    const cpu = await attentionData();
    const before = await page.evaluate(() => document.body.dataset.analysed);
    await page.check('#backend-gpu');
    await page.waitForFunction(() => document.querySelector('[data-testid="active-backend"]')?.textContent === 'gpu.js:webgl2', null, { timeout: 60_000 });
    await page.waitForFunction((b) => document.body.dataset.analysed !== b, before, { timeout: 120_000 });
    const where = await page.evaluate(() => window.transformerKitDemo?.engine);
    console.log(`gpu.js runs in the ${where}`);
    const gpu = await attentionData();
    gpu.weights.forEach((row, r) => row.forEach((w, c) => expect(close(w, cpu.weights[r][c], GPU_TOLERANCE), `cell (${r}, ${c})`).toBe(true)));
    const reference = await cpuReference(PROMPT, 0, 0);
    await page.fill('#temperature', '0');
    await page.fill('#max-tokens', '32');
    await page.click('#generate');
    await page.waitForFunction(() => (document.querySelector('#panel-output') as HTMLElement).dataset.generating === 'false', null, { timeout: 300_000 });
    expect(JSON.parse((await page.getAttribute('#panel-output', 'data-generated-ids'))!)).toEqual(reference.greedy);
    // Both backends have now generated: the card shows both measured speeds.
    const measured = await page.$eval('[data-testid="measured"]', (e) => ({ gpu: Number((e as HTMLElement).dataset.gpu), cpu: Number((e as HTMLElement).dataset.cpu), text: e.textContent }));
    console.log(`backend card: ${measured.text}`);
    expect(measured.gpu).toBeGreaterThan(0);
    expect(measured.cpu).toBeGreaterThan(0);
    await shoot('.setup', '0b-backend-measured.png');
    await page.check('#backend-cpu');
    await page.waitForFunction(() => document.querySelector('[data-testid="active-backend"]')?.textContent === 'cpu', null, { timeout: 60_000 });
  });

  it('loads files the user picks: a .bin with its tokenizer (in any order), or one .gguf', async () => {
    const expected = llama2cEncode(readLlama2cVocab(readFileSync(tokenizerFile), 512), PROMPT);
    await page.selectOption('#model-source', 'files');
    for (const files of [[tokenizerFile, modelFile], [join(sharedModels, 'stories260K/stories260K.gguf')]]) {
      // NOTE: wait for this load's own status line ('<model file>: N layers…', set once the files are open) and the
      // page's ready state, not for `analysed` to change: an analysis still queued from the last load can change it
      // while this one is reading its files.
      const name = basename(files.find((f) => !f.endsWith('tok512.bin'))!);
      await page.setInputFiles('#model-files', files);
      await page.click('#load-model');
      await page.waitForFunction(
        (n) => {
          const status = document.querySelector('#load-status') as HTMLElement;
          return status.dataset.kind === 'error' || (status.textContent!.startsWith(`${n}:`) && window.transformerKitDemo?.state === 'ready');
        },
        name,
        { timeout: 120_000 },
      );
      expect(await page.getAttribute('#load-status', 'data-kind'), (await page.textContent('#load-status'))!).toBe('info');
      expect(JSON.parse((await page.getAttribute('#panel-tokens', 'data-ids'))!)).toEqual(expected);
    }
    expect(await page.textContent('#load-status')).toContain('stories260K.gguf');
  });

  it('says clearly what is wrong with a wrong file', async () => {
    await page.selectOption('#model-source', 'urls');
    await page.fill('#model-url', `${demo.server.url}/models/stories260K/tok512.bin`);
    await page.fill('#tokenizer-url', `${demo.server.url}/models/stories260K/tok512.bin`);
    await page.click('#load-model');
    await page.waitForFunction(() => (document.querySelector('#load-status') as HTMLElement).dataset.kind === 'error', null, { timeout: 60_000 });
    const message = (await page.textContent('#load-status'))!;
    expect(message).toMatch(/tok512\.bin/);
    expect(message).toMatch(/llama2\.c/);
    // The model that was loaded keeps working.
    expect(await page.evaluate(() => window.transformerKitDemo?.state)).toBe('ready');
    await shoot('#loader', '9-bad-file.png');
  });

  it('logged no console errors and saved a full-page screenshot', async () => {
    await page.screenshot({ path: join(screenshots, '8-full-page.png'), fullPage: true });
    expect(demo.browser.consoleErrors).toEqual([]);
  });
});
