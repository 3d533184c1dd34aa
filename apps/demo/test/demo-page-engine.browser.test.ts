/**
 * gpu.js in the page (`?engine=page`), the demo's path where a browser cannot run WebGL2 in a worker: the engine
 * yields to the page after every token, so tokens appear as they are made and Stop acts; greedy tokens equal the
 * CPU backend's (in the worker) on the same page. Frame gaps are printed (the prompt's forward pass on the GPU
 * blocks the page for its duration: that is why the worker is the default).
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingFile, openDemo, sharedModels, startFrames, stopFrames, type DemoSession } from './demo-page';

const missing = missingFile(join(sharedModels, 'stories260K/stories260K.bin'), join(sharedModels, 'stories260K/tok512.bin'));
if (missing) console.warn(`demo page-engine browser test skipped: ${missing} is missing (../shared is not beside the repository)`);

const PROMPT = 'Once upon a time, there was a little girl named Lily.';

describe.skipIf(Boolean(missing))('gpu.js in the page (?engine=page: where a browser has no WebGL2 in workers)', () => {
  let demo: DemoSession;
  let page: Page;

  beforeAll(async () => {
    demo = await openDemo(`?source=local&engine=page&prompt=${encodeURIComponent(PROMPT)}`, undefined, ['--disable-gpu-compositing']);
    page = demo.page;
  });

  afterAll(async () => {
    await demo?.close();
  });

  const generate = async (tokens: number) => {
    await page.fill('#max-tokens', String(tokens));
    await page.click('#generate');
    await page.waitForFunction(() => (document.querySelector('#panel-output') as HTMLElement).dataset.generating === 'false', null, { timeout: 300_000 });
    return JSON.parse((await page.getAttribute('#panel-output', 'data-generated-ids'))!) as number[];
  };

  it('yields after every token: tokens appear as made, the same greedy tokens as the CPU, and Stop works', async () => {
    await page.fill('#temperature', '0');
    const cpu = await generate(32);
    await page.check('#backend-gpu');
    await page.waitForFunction(() => document.querySelector('[data-testid="active-backend"]')?.textContent === 'gpu.js:webgl2', null, { timeout: 60_000 });
    await page.waitForFunction(() => !(document.querySelector('#generate') as HTMLButtonElement).disabled, null, { timeout: 120_000 });
    expect(await page.evaluate(() => window.transformerKitDemo?.engine)).toBe('page');
    await page.locator('#panel-output').scrollIntoViewIfNeeded();
    await startFrames(page);
    const gpu = await generate(32);
    const frames = await stopFrames(page);
    console.log(`32-token generation (gpu.js in the page, yielding per token; load average ${loadavg()[0].toFixed(1)}): ${frames.frames} frames, longest gap ${frames.maxGapMs.toFixed(1)} ms, p99 ${frames.p99GapMs.toFixed(1)} ms, ${frames.distinctTokenCounts} distinct token counts painted; ${await page.textContent('[data-testid="generation-speed"]')}`);
    expect(gpu).toEqual(cpu);
    expect(frames.distinctTokenCounts).toBeGreaterThan(8);
    await page.fill('#max-tokens', '200');
    await page.click('#generate');
    await page.waitForFunction(() => document.querySelectorAll('.generated-token').length >= 5);
    const atClick = await page.evaluate(() => {
      (document.querySelector('#stop') as HTMLButtonElement).click();
      return Number((document.querySelector('#panel-output') as HTMLElement).dataset.madeAtStop);
    });
    await page.waitForFunction(() => (document.querySelector('#panel-output') as HTMLElement).dataset.generating === 'false', null, { timeout: 120_000 });
    const final = JSON.parse((await page.getAttribute('#panel-output', 'data-generated-ids'))!).length;
    console.log(`Stop (gpu.js in the page): ${atClick} tokens made at the click, ${final} in the end`);
    expect(final - atClick).toBeLessThanOrEqual(1);
    expect(demo.browser.consoleErrors).toEqual([]);
  });
});
