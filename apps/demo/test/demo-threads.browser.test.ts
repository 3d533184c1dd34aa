/**
 * The CPU backend's worker threads in the demo (issues #13 and #16): the static server sends COOP/COEP, so the page
 * is cross-origin isolated and the engine's Web Worker creates the CPU backend with threads (nested workers sharing
 * its WebAssembly heap). With `?threads=2` the engine's stats show work split across threads and a worker taking
 * part, the backend card shows the thread count, and greedy generation makes the same tokens as with `?threads=1`.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { missingFile, openDemo, sharedModels } from './demo-page';

const missing = missingFile(join(sharedModels, 'stories260K/stories260K.bin'), join(sharedModels, 'stories260K/tok512.bin'));
if (missing) console.warn(`demo threads browser test skipped: ${missing} is missing (../shared is not beside the repository)`);

// A prompt of 101 tokens (tok512 has 512 pieces): stories260K is small enough that only the
// prompt's kernel calls are big enough to split, and a long prompt makes them long enough for a worker woken from
// its wait to take a chunk. Prompt and generation stay well inside the 512-token context.
const PROMPT =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her dog, Max. ' +
  'One day, Lily saw a big red ball under a tree. She wanted to play with it, but it was too high. Max barked and ' +
  'jumped, and the ball fell down.';
const TOKENS = 64;

interface Run {
  isolated: boolean;
  threadsShown: string;
  threadsText: string;
  ids: number[];
  stats: { threads: number; parallelRuns: number; workersUsed: number; workersAlive: number } | null;
  consoleErrors: string[];
}

/** Opens the demo with `?threads=N`, generates TOKENS greedy tokens on the CPU, and reads the engine's stats. */
async function generateWith(threads: number): Promise<Run> {
  const demo = await openDemo(`?source=local&threads=${threads}&prompt=${encodeURIComponent(PROMPT)}`);
  try {
    const page: Page = demo.page;
    await page.waitForFunction(() => document.querySelector('[data-testid="active-backend"]')?.textContent === 'cpu', null, { timeout: 60_000 });
    await page.fill('#temperature', '0');
    await page.fill('#max-tokens', String(TOKENS));
    await page.waitForFunction(() => !(document.querySelector('#generate') as HTMLButtonElement).disabled, null, { timeout: 120_000 });
    // The prompt's analysis started the workers (they boot asynchronously); generation starts once they are up.
    const booted = await page.waitForFunction(
      async (workers) => ((await window.transformerKitDemo!.engineStats())?.workersAlive ?? -1) === workers,
      threads - 1,
      { timeout: 60_000, polling: 100 },
    );
    await booted.dispose();
    await page.click('#generate');
    await page.waitForFunction(() => (document.querySelector('#panel-output') as HTMLElement).dataset.generating === 'false', null, { timeout: 300_000 });
    const ids = JSON.parse((await page.getAttribute('#panel-output', 'data-generated-ids'))!) as number[];
    return {
      isolated: await page.evaluate(() => crossOriginIsolated),
      threadsShown: (await page.getAttribute('[data-testid="cpu-threads"]', 'data-threads'))!,
      threadsText: (await page.textContent('[data-testid="cpu-threads"]'))!,
      ids,
      stats: await page.evaluate(() => window.transformerKitDemo!.engineStats()),
      consoleErrors: demo.browser.consoleErrors,
    };
  } finally {
    await demo.close();
  }
}

describe.skipIf(Boolean(missing))('the CPU backend with worker threads in the demo (cross-origin isolated page)', () => {
  it('?threads=2: a worker computes, and greedy tokens equal ?threads=1', async () => {
    const one = await generateWith(1);
    const two = await generateWith(2);
    console.log(
      `threads in the demo (stories260K, ${TOKENS} greedy tokens, load average ${loadavg()[0].toFixed(1)}): ` +
        `threads=1 ${JSON.stringify(one.stats)}; threads=2 ${JSON.stringify(two.stats)}; card: '${two.threadsText}'`,
    );
    expect([one.isolated, two.isolated]).toEqual([true, true]);
    expect(one.stats).toMatchObject({ threads: 1, parallelRuns: 0, workersUsed: 0, workersAlive: 0 });
    expect(one.threadsShown).toBe('1');
    expect(two.threadsShown).toBe('2');
    expect(two.threadsText).toBe('· 2 threads');
    expect(two.stats!.threads).toBe(2);
    expect(two.stats!.parallelRuns).toBeGreaterThan(0);
    expect(two.stats!.workersAlive).toBe(1);
    expect(two.stats!.workersUsed).toBeGreaterThan(0);
    expect(one.ids).toHaveLength(TOKENS);
    expect(two.ids).toEqual(one.ids);
    expect([...one.consoleErrors, ...two.consoleErrors]).toEqual([]);
  });

  it('by default the CPU backend takes the machine\'s parallelism (navigator.hardwareConcurrency)', async () => {
    const demo = await openDemo(`?source=local&prompt=${encodeURIComponent(PROMPT)}`);
    try {
      const { page } = demo;
      await page.waitForFunction(() => document.querySelector('[data-testid="cpu-threads"]')?.getAttribute('data-threads'), null, { timeout: 60_000 });
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      expect(await page.getAttribute('[data-testid="cpu-threads"]', 'data-threads')).toBe(String(cores));
      expect((await page.evaluate(() => window.transformerKitDemo!.engineStats()))!.threads).toBe(cores);
      expect(demo.browser.consoleErrors).toEqual([]);
    } finally {
      await demo.close();
    }
  });
});
