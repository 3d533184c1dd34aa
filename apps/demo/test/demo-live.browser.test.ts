/**
 * The demo stays alive while it works: the model runs in a Web Worker, so the page paints during generation
 * (the longest gap between animation frames is measured) and Stop acts within a token; a 512-token prompt
 * draws in time and a head change redraws quickly (heat maps are images, with an overview past 48 tokens);
 * errors leave the page consistent; the inside-a-block panel and its logit lens match a reference computed
 * here in Node; the layout holds at 420 px; the hover readouts answer the keyboard; a 32k-vocabulary Q4_K_M
 * GGUF loads through the same path.
 *
 * Timings are printed with the machine's load average (a shared 2-core machine: noisy) and asserted against
 * the bars.
 *
 * NOTE: this file adds `--disable-gpu-compositing` to the launch flags. The shared flags force SwiftShader for
 * compositing and raster too, which Chrome never does on a machine without a GPU (it composites in software and
 * keeps SwiftShader for WebGL). Forced, the IDLE page stalls for 200–600 ms after a scroll on a busy machine
 * while SwiftShader rasters the new tiles (measured: idle gaps of 216, 506 ms with the shared flags, 17, 17 ms
 * with this one), which is not the page's doing and would hide what this file measures. WebGL2 still runs on
 * SwiftShader (the renderer string is checked).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuBackend, matmul, rmsNorm, setBackend, softmax, tensor } from '@transformer-kit/tensor';
import { loadLlama2cTokenizer } from '@transformer-kit/tokenizer';
import { LlamaModel, readLlama2c } from '@transformer-kit/transformer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingFile, openDemo, screenshots, setPrompt, sharedModels, startFrames, stopFrames, type DemoSession } from './demo-page';
import { llama2cEncode, readLlama2cVocab } from './llama2c-encode';
import { writeSyntheticLlama2c } from './synthetic-llama2c';

const modelFile = join(sharedModels, 'stories260K/stories260K.bin');
const tokenizerFile = join(sharedModels, 'stories260K/tok512.bin');
const storyFile = join(sharedModels, 'stories260K/greedy-256.txt');
const quantFile = join(sharedModels, 'r42m/r42m-Q4_K_M.gguf');
const missing = missingFile(modelFile, tokenizerFile, storyFile);
if (missing) console.warn(`demo live browser test skipped: ${missing} is missing (../shared is not beside the repository)`);

const PROMPT = 'Once upon a time, there was a little girl named Lily.';
const close = (a: number, e: number, tol: number) => Math.abs(a - e) <= tol + tol * Math.abs(e);

/** A prompt of exactly `n` tokens (BOS included) by llama2.c's encoder: words of llama2.c's own story, repeated. */
function promptOfTokens(n: number): string {
  const vocab = readLlama2cVocab(readFileSync(tokenizerFile), 512);
  const words = readFileSync(storyFile, 'utf8').replace(/\s+/g, ' ').trim().split(' ');
  const text = (k: number) => Array.from({ length: k }, (_, i) => words[i % words.length]).join(' ');
  let k = 1;
  while (llama2cEncode(vocab, text(k + 1)).length <= n) k++;
  // Pad the last few tokens with single letters (one token each) to land exactly on n.
  let t = text(k);
  while (llama2cEncode(vocab, t).length < n) t += ' a';
  if (llama2cEncode(vocab, t).length !== n) throw new Error(`could not make a ${n}-token prompt`);
  return t;
}

/** Chooses `value` in the select as a user would and returns the ms until the second frame after (drawn and painted). */
function selectAndPaint(page: Page, selector: string, value: string): Promise<number> {
  return page.evaluate(
    async ([selector, value]) => {
      const el = document.querySelector(selector) as HTMLSelectElement;
      const started = performance.now();
      el.value = value;
      el.dispatchEvent(new Event('change'));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - started;
    },
    [selector, value] as const,
  );
}

describe.skipIf(Boolean(missing))('the demo stays responsive (Chromium, CPU backend in a worker)', () => {
  let demo: DemoSession;
  let page: Page;
  const bigDir = mkdtempSync(join(tmpdir(), 'transformer-kit-big-'));

  beforeAll(async () => {
    demo = await openDemo(`?source=local&prompt=${encodeURIComponent(PROMPT)}`, undefined, ['--disable-gpu-compositing'], { '/big/': bigDir + '/' });
    page = demo.page;
    expect(await page.textContent('[data-testid="renderer"]')).toMatch(/SwiftShader/);
  });

  afterAll(async () => {
    await demo?.close();
    rmSync(bigDir, { recursive: true, force: true });
  });

  const generating = () => page.waitForFunction(() => (document.querySelector('#panel-output') as HTMLElement).dataset.generating === 'false', null, { timeout: 300_000 });

  it('paints while generating 200 tokens: the longest gap between frames is under 100 ms, tokens appear as made', async () => {
    expect(await page.textContent('[data-testid="active-backend"]')).toBe('cpu');
    await page.locator('#panel-output').scrollIntoViewIfNeeded(); // where a person watches the tokens come
    // Scrolling makes Chromium raster the newly visible panels (through SwiftShader: slow on a busy machine); wait
    // until the idle page paints steadily, and report its own longest gap: the gaps the page does not cause.
    let idle = { maxGapMs: Infinity, frames: 0 };
    for (let i = 0; i < 20 && idle.maxGapMs > 50; i++) {
      await startFrames(page);
      await page.waitForTimeout(500);
      idle = await stopFrames(page);
    }
    console.log(`idle page for 0.5 s: ${idle.frames} frames, longest gap ${idle.maxGapMs.toFixed(1)} ms (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`);
    await page.fill('#temperature', '0.8');
    await page.fill('#seed', '7');
    await page.fill('#max-tokens', '200');
    await startFrames(page);
    await page.click('#generate');
    await generating();
    const frames = await stopFrames(page);
    const count = JSON.parse((await page.getAttribute('#panel-output', 'data-generated-ids'))!).length;
    console.log(`200-token generation (CPU, worker; load average ${loadavg()[0].toFixed(1)}): ${count} tokens, ${frames.frames} frames, longest gap ${frames.maxGapMs.toFixed(1)} ms, p99 ${frames.p99GapMs.toFixed(1)} ms, ${frames.distinctTokenCounts} distinct token counts painted, at most ${frames.maxTokensPerFrame} new tokens in one frame; ${await page.textContent('[data-testid="generation-speed"]')}`);
    expect(count).toBe(200);
    expect(frames.maxGapMs).toBeLessThan(100);
    // Tokens appear as they are made: intermediate counts were on screen (not only 0 and 200), and no frame
    // brought more than a frame's worth of tokens at this speed (a frozen page shows them all at once).
    expect(frames.distinctTokenCounts).toBeGreaterThan(5);
    expect(frames.maxTokensPerFrame).toBeLessThan(100);
    await demo.shoot('#panel-output', '7b-output-200-tokens.png');
  });

  it('stops within one token of Stop', async () => {
    await page.fill('#max-tokens', '512');
    await page.click('#generate');
    await page.waitForFunction(() => document.querySelectorAll('.generated-token').length >= 10);
    // The tokens the engine had made at the click (read from the shared counter by the click itself), and the
    // ones the page had received by then (the rest were on their way).
    const received = await page.evaluate(() => {
      (document.querySelector('#stop') as HTMLButtonElement).click();
      return Number((document.querySelector('#panel-output') as HTMLElement).dataset.received);
    });
    const atClick = Number(await page.getAttribute('#panel-output', 'data-made-at-stop'));
    await generating();
    const final = JSON.parse((await page.getAttribute('#panel-output', 'data-generated-ids'))!).length;
    console.log(`Stop: ${atClick} tokens made (${received} received) at the click, ${final} in the end`);
    expect(await page.getAttribute('#panel-output', 'data-stopped')).toBe('true');
    expect(final - atClick).toBeLessThanOrEqual(1);
    expect(await page.isEnabled('#generate')).toBe(true);
  });

  it('a 512-token prompt appears in under 2 s; a head change redraws in under 200 ms; the map has an overview', async () => {
    const long = promptOfTokens(512);
    const started = Date.now();
    await setPrompt(page, long);
    // The page's own clock: from asking the engine to every panel drawn (the prompt box's 250 ms debounce and the
    // test's round trips excluded). The block panel then asks the engine for its token: timed separately.
    const timings = JSON.parse((await page.evaluate(() => document.body.dataset.timings))!) as { tokens: number; forwardMs: number; engineMs: number; drawMs: number; totalMs: number };
    const appearMs = timings.totalMs;
    await page.waitForFunction(() => (document.querySelector('[data-testid="attention-map"]') as HTMLElement).dataset.window?.includes('"seq":512'));
    await page.waitForFunction(() => (document.querySelector('#panel-block') as HTMLElement).dataset.position === '511', null, { timeout: 60_000 });
    const blockMs = Date.now() - started - 250;
    expect(JSON.parse((await page.getAttribute('#panel-tokens', 'data-ids'))!).length).toBe(512);
    const redraw = await selectAndPaint(page, '#attention-head', '3');
    const layerRedraw = await selectAndPaint(page, '#heads-layer', '2');
    console.log(`512-token prompt (load average ${loadavg()[0].toFixed(1)}): panels drawn ${appearMs.toFixed(0)} ms after the request (forward pass ${timings.forwardMs.toFixed(0)} ms, engine ${timings.engineMs.toFixed(0)} ms, drawing ${timings.drawMs.toFixed(0)} ms), block panel too ${blockMs} ms after the debounce (test clock); attention head change ${redraw.toFixed(1)} ms; multi-head layer change (8 maps) ${layerRedraw.toFixed(1)} ms (to the second frame after)`);
    expect(appearMs).toBeLessThan(2000);
    expect(redraw).toBeLessThan(200);
    expect(layerRedraw).toBeLessThan(200);
    expect(await page.isVisible('[data-testid="attention-overview"]')).toBe(true);
    // The window's numbers are the rows of the full map it shows (checked against the page's own analysis).
    const check = await page.evaluate(() => {
      const c = document.querySelector('[data-testid="attention-map"]') as HTMLElement;
      const { row, col, size, seq } = JSON.parse(c.dataset.window!);
      const shown = JSON.parse(c.dataset.weights!) as number[][];
      const a = window.transformerKitDemo!.analysis!;
      const head = Number(c.dataset.head);
      const w = a.attention[Number(c.dataset.layer)];
      let worst = 0;
      for (let r = 0; r < size; r++) for (let k = 0; k < size; k++) worst = Math.max(worst, Math.abs(shown[r][k] - w[head * seq * seq + (row + r) * seq + col + k]));
      return { worst, size, row };
    });
    expect(check.worst).toBe(0);
    // Clicking the overview moves the window; hovering it reads a cell out.
    await page.locator('[data-testid="attention-overview"]').scrollIntoViewIfNeeded();
    const box = (await page.locator('[data-testid="attention-overview"]').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.2, box.y + box.height * 0.3);
    const moved = JSON.parse((await page.getAttribute('[data-testid="attention-map"]', 'data-window'))!);
    expect(moved.row).toBeLessThan(check.row);
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6);
    expect(await page.textContent('[data-testid="overview-readout"]')).toMatch(/query #\d+ .*→ key #\d+ .*%/);
    await demo.shoot('#panel-tokens', '1b-tokens-512.png');
    await demo.shoot('#panel-attention', '4b-self-attention-512.png');
    await demo.shoot('#panel-heads', '5b-multi-head-512.png');
    await demo.shoot('#panel-block', '6b-block-512.png');
  });

  it('a prompt past the context: the message says the panels show the previous prompt, and Generate is off with the reason', async () => {
    const analysedBefore = await page.evaluate(() => window.transformerKitDemo!.analysis!.tokens.length);
    await setPrompt(page, promptOfTokens(600));
    const message = (await page.textContent('#prompt-status'))!;
    expect(message).toMatch(/600 tokens.*at most 512/);
    expect(message).toContain(`previous prompt (${analysedBefore} tokens)`);
    expect(await page.$$eval('.panel.stale', (els) => els.length)).toBe(7);
    expect(await page.isDisabled('#generate')).toBe(true);
    expect(await page.textContent('[data-testid="generate-blocked"]')).toContain('could not be run');
    await demo.shoot('#panel-output', '7c-output-blocked.png');
    await setPrompt(page, PROMPT);
    expect(await page.$$eval('.panel.stale', (els) => els.length)).toBe(0);
    expect(await page.isEnabled('#generate')).toBe(true);
  });

  it('inside a block: attention + feed-forward recompose the model’s own stream, and the logit lens equals a Node reference', async () => {
    await page.waitForFunction(() => (document.querySelector('#panel-block') as HTMLElement).dataset.position !== undefined && window.transformerKitDemo?.analysis?.tokens.length === 16);
    await page.waitForFunction(() => (document.querySelector('#panel-block') as HTMLElement).dataset.position === '15');
    const residualError = Number(await page.getAttribute('#panel-block', 'data-residual-error'));
    console.log(`block panel: max |x + attention + feed-forward − next hidden state| = ${residualError.toExponential(2)}`);
    expect(residualError).toBeLessThan(1e-4);
    const lens = JSON.parse((await page.getAttribute('#panel-block', 'data-lens'))!) as { id: number; p: number }[][];
    // Reference: the model's hidden states through the final norm and the tied head, with the packages, in Node.
    setBackend(createCpuBackend());
    const { config, weights } = readLlama2c(readFileSync(modelFile), 'stories260K.bin');
    const model = new LlamaModel(config, weights);
    const ids = loadLlama2cTokenizer(readFileSync(tokenizerFile), { vocabSize: 512 }).encode(PROMPT);
    const out = model.forward(tensor(Int32Array.from(ids), [1, ids.length], 'int32'), { outputHiddenStates: true });
    const gamma = tensor(weights.get('model.norm.weight').data, [config.dim]);
    const table = tensor(weights.get('model.embed_tokens.weight').data, [config.vocabSize, config.dim]);
    expect(lens.length).toBe(config.layers + 1);
    for (let l = 0; l <= config.layers; l++) {
      const h = out.hiddenStates![l].reshape([ids.length, config.dim]);
      const p = softmax(matmul(rmsNorm(h, gamma, config.normEps), table, { transposeB: true }), -1).dataSync(); // [seq, vocab]
      const last = p.subarray((ids.length - 1) * config.vocabSize, ids.length * config.vocabSize);
      const order = Array.from(last.keys()).sort((a, b) => last[b] - last[a]).slice(0, 5);
      expect(lens[l].map((t) => t.id), `layer ${l}`).toEqual(order);
      lens[l].forEach((t) => expect(close(t.p, last[t.id], 1e-4), `layer ${l} token ${t.id}: ${t.p} vs ${last[t.id]}`).toBe(true));
    }
    model.dispose();
    // The last row is the model's real prediction: the output panel's top 5.
    const top = JSON.parse((await page.getAttribute('#panel-output', 'data-top'))!) as { id: number; p: number }[];
    expect(lens[config.layers].map((t) => t.id)).toEqual(top.slice(0, 5).map((t) => t.id));
    await page.selectOption('#block-layer', '3');
    await page.waitForFunction(() => document.querySelector('[data-testid="norm-caption"]')?.textContent?.includes('layer 3'));
    await demo.shoot('#panel-block', '6-inside-a-block.png');
  });

  it('the hover readouts answer the keyboard', async () => {
    await page.focus('[data-testid="token-text"] .token:not(.special) >> nth=2');
    expect(await page.textContent('[data-testid="token-hover"]')).toMatch(/^token 3: id \d+/);
    await page.focus('[data-testid="attention-map"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.textContent('[data-testid="attention-looks"] strong')).toMatch(/^#1 /);
  });

  it('a 404 is reported on its own file’s line, not overwritten by the other file’s progress', async () => {
    await page.selectOption('#model-source', 'urls');
    await page.fill('#model-url', `${demo.server.url}/models/stories260K/no-such-model.bin`);
    await page.fill('#tokenizer-url', `${demo.server.url}/models/stories260K/tok512.bin`);
    await page.click('#load-model');
    await page.waitForFunction(() => (document.querySelector('#load-status') as HTMLElement).dataset.kind === 'error');
    await page.waitForFunction(() => document.querySelector('[data-file="tok512.bin"]')?.getAttribute('data-state') === 'done');
    expect(await page.textContent('#load-status')).toMatch(/no-such-model\.bin: HTTP 404/);
    expect(await page.getAttribute('[data-file="no-such-model.bin"]', 'data-state')).toBe('error');
    expect(await page.textContent('[data-file="no-such-model.bin"]')).toContain('404');
    expect(await page.evaluate(() => window.transformerKitDemo?.state)).toBe('ready');
    await demo.shoot('#loader', '9b-404.png');
  });

  it.skipIf(Boolean(missingFile(quantFile)))('a Q4_K_M GGUF with a 32k vocabulary loads through the same path, the page painting while it loads', async () => {
    await page.fill('#model-url', `${demo.server.url}/models/r42m/r42m-Q4_K_M.gguf`);
    await page.fill('#tokenizer-url', '');
    const before = await page.evaluate(() => document.body.dataset.analysed);
    await startFrames(page);
    const started = Date.now();
    await page.click('#load-model');
    await page.waitForFunction((b) => document.body.dataset.analysed !== b || (document.querySelector('#load-status') as HTMLElement).dataset.kind === 'error', before, { timeout: 240_000 });
    const frames = await stopFrames(page);
    const status = (await page.textContent('#load-status'))!;
    console.log(`r42m Q4_K_M (38.5 MB): ${Date.now() - started} ms to load and analyse, longest frame gap ${frames.maxGapMs.toFixed(1)} ms over ${frames.frames} frames; ${status}`);
    // It must load (Q4_K and Q6_K matrices kept packed): a refusal is a failure, its message shown.
    expect(await page.getAttribute('#load-status', 'data-kind'), status).toBe('info');
    expect(status).toContain('vocabulary 32000');
    expect(await page.$$eval('[data-testid="heads-grid"] button.head', (els) => els.length)).toBe(8);
    expect(await page.$$eval('#block-layer option', (els) => els.length)).toBe(8);
    await demo.shoot('#panel-embedding', '2b-embedding-32k.png');
    await demo.shoot('#panel-block', '6c-block-r42m.png');
    // Back to stories260K: the tests after this one measure generation on it (r42m on gpu.js over SwiftShader
    // would take minutes for 200 tokens).
    const loaded = await page.evaluate(() => document.body.dataset.analysed);
    await page.selectOption('#model-source', 'local');
    await page.click('#load-model');
    await page.waitForFunction((b) => document.body.dataset.analysed !== b, loaded, { timeout: 120_000 });
    expect(await page.textContent('#load-status')).toContain('stories260K.bin');
    await page.selectOption('#model-source', 'urls');
  });

  it('gpu.js in the worker: tokens appear as made during a 200-token generation (frame gaps measured)', async () => {
    await page.check('#backend-gpu');
    await page.waitForFunction(() => document.querySelector('[data-testid="active-backend"]')?.textContent === 'gpu.js:webgl2', null, { timeout: 60_000 });
    await page.waitForFunction(() => !(document.querySelector('#generate') as HTMLButtonElement).disabled, null, { timeout: 120_000 });
    await page.fill('#max-tokens', '200');
    await page.locator('#panel-output').scrollIntoViewIfNeeded();
    await startFrames(page);
    await page.click('#generate');
    await generating();
    const frames = await stopFrames(page);
    const count = JSON.parse((await page.getAttribute('#panel-output', 'data-generated-ids'))!).length;
    console.log(`200-token generation (gpu.js webgl2 on SwiftShader, ${await page.evaluate(() => window.transformerKitDemo?.engine)}; load average ${loadavg()[0].toFixed(1)}): ${count} tokens, ${frames.frames} frames, longest gap ${frames.maxGapMs.toFixed(1)} ms, p99 ${frames.p99GapMs.toFixed(1)} ms, ${frames.distinctTokenCounts} distinct token counts painted; ${await page.textContent('[data-testid="generation-speed"]')}`);
    expect(frames.distinctTokenCounts).toBeGreaterThan(Math.min(20, count / 4));
    await page.check('#backend-cpu');
    await page.waitForFunction(() => document.querySelector('[data-testid="active-backend"]')?.textContent === 'cpu', null, { timeout: 60_000 });
  });

  it('a Hugging Face folder without tokenizer.json is refused by name, the model loaded before keeps working', async () => {
    const dir = join(sharedModels, '../fixtures/models/llama-tiny');
    await page.selectOption('#model-source', 'files');
    await page.setInputFiles('#model-files', [join(dir, 'config.json'), join(dir, 'model.safetensors')]);
    await page.click('#load-model');
    await page.waitForFunction(() => (document.querySelector('#load-status') as HTMLElement).dataset.kind === 'error');
    expect(await page.textContent('#load-status')).toContain('no tokenizer.json');
    expect(await page.evaluate(() => window.transformerKitDemo?.state)).toBe('ready');
  });

  it('a 150k-token vocabulary, 32 layers and 16 heads: the panels adapt and the page keeps painting', async () => {
    writeSyntheticLlama2c(bigDir, { dim: 64, hidden: 128, layers: 32, heads: 16, kvHeads: 4, vocab: 150_000, seqLen: 512 }, tokenizerFile);
    await page.selectOption('#model-source', 'urls');
    await page.fill('#model-url', `${demo.server.url}/big/model.bin`);
    await page.fill('#tokenizer-url', `${demo.server.url}/big/tokenizer.bin`);
    await page.locator('#loader').scrollIntoViewIfNeeded();
    const before = await page.evaluate(() => document.body.dataset.analysed);
    await startFrames(page);
    const started = Date.now();
    await page.click('#load-model');
    await page.waitForFunction((b) => document.body.dataset.analysed !== b || (document.querySelector('#load-status') as HTMLElement).dataset.kind === 'error', before, { timeout: 240_000 });
    await page.waitForFunction(() => (document.querySelector('[data-testid="logit-lens"]') as HTMLElement).querySelectorAll('tbody tr').length === 33, null, { timeout: 120_000 });
    const frames = await stopFrames(page);
    const status = (await page.textContent('#load-status'))!;
    console.log(`synthetic 150k vocabulary × 32 layers × 16 heads (38 MB; load average ${loadavg()[0].toFixed(1)}): loaded, analysed and drawn in ${Date.now() - started} ms; longest frame gap ${frames.maxGapMs.toFixed(1)} ms over ${frames.frames} frames, p99 ${frames.p99GapMs.toFixed(1)} ms; ${status}`);
    expect(await page.getAttribute('#load-status', 'data-kind'), status).toBe('info');
    expect(status).toContain('vocabulary 150000');
    expect(await page.$$eval('[data-testid="heads-grid"] button.head', (els) => els.length)).toBe(16);
    expect(await page.$$eval('#attention-layer option', (els) => els.length)).toBe(32);
    // The text still tokenizes with the first 512 pieces (stories260K's), so the ids are llama2.c's encoding.
    expect(JSON.parse((await page.getAttribute('#panel-tokens', 'data-ids'))!)).toEqual(llama2cEncode(readLlama2cVocab(readFileSync(tokenizerFile), 512), PROMPT));
    // No freeze: most frames on time, and no gap near the seconds-long freezes of the issue (measured on this
    // shared machine: longest gaps of 150–883 ms across runs, p99 67–117 ms; see the printed line).
    expect(frames.p99GapMs).toBeLessThan(250);
    expect(frames.maxGapMs).toBeLessThan(1000);
    await demo.shoot('#panel-embedding', '2c-embedding-150k.png');
    await demo.shoot('#panel-heads', '5c-heads-16.png');
    await demo.shoot('#panel-block', '6d-block-32-layers.png');
  });

  it('works at 420 px: nothing sticks out of the page', async () => {
    await page.setViewportSize({ width: 420, height: 900 });
    await page.waitForTimeout(400); // the page redraws 150 ms after a resize
    const overflow = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      widest: Math.max(...[...document.querySelectorAll('.card, .panel')].map((e) => e.getBoundingClientRect().right)),
    }));
    expect(overflow.page).toBeLessThanOrEqual(420);
    expect(overflow.widest).toBeLessThanOrEqual(420);
    await page.screenshot({ path: join(screenshots, '10-narrow-420.png'), fullPage: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(screenshots, '10b-narrow-420-top.png') });
    await demo.shoot('#panel-block', '10c-narrow-420-block.png');
  });

  it('logged no console errors or page errors (but the one 404 the test asked for)', () => {
    const expected404 = demo.browser.consoleErrors.filter((m) => /^Failed to load resource: .*404/.test(m));
    expect(expected404.length).toBeLessThanOrEqual(1);
    expect(demo.browser.consoleErrors.filter((m) => !expected404.includes(m))).toEqual([]);
  });
});
