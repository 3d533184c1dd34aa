/**
 * The built demo (dist/) served like a static host (with ../shared/models at /models/), opened in Debian's
 * Chromium through playwright-core, loaded with stories260K from "This server". Shared by the demo's browser
 * tests; each file gets its own browser.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type ChromiumSession } from './launch-chromium';
import { serveStatic } from './static-server';

export const demoDir = resolve(import.meta.dirname, '..');
export const repoRoot = resolve(demoDir, '../..');
export const sharedModels = resolve(repoRoot, '../shared/models');
export const sharedFixtures = resolve(repoRoot, '../shared/fixtures');
export const screenshots = join(repoRoot, 'out/screenshots');

/** The first of `files` that is missing (the tests skip, naming it), or undefined. */
export function missingFile(...files: string[]): string | undefined {
  return files.find((f) => !existsSync(f));
}

export interface DemoSession {
  server: Awaited<ReturnType<typeof serveStatic>>;
  browser: ChromiumSession;
  page: Page;
  /** Screenshot of one element, scrolled into view, to out/screenshots/<name>. */
  shoot(selector: string, name: string): Promise<void>;
  close(): Promise<void>;
}

/** Builds dist/ if needed, serves it, opens the page at `query` and waits for the model to be ready. */
export async function openDemo(query: string, viewport = { width: 1280, height: 900 }, extraArgs: string[] = [], extraMounts: Record<string, string> = {}): Promise<DemoSession> {
  if (!existsSync(join(demoDir, 'dist/index.html'))) {
    // `npm test` builds first; a bare `npx vitest run` gets a build here.
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: demoDir, stdio: 'inherit' });
  }
  mkdirSync(screenshots, { recursive: true });
  const server = await serveStatic({ '/models/': sharedModels + '/', '/fixtures/': sharedFixtures + '/', ...extraMounts, '/': join(demoDir, 'dist') + '/' });
  const browser = await launchChromium({ viewport, deviceScaleFactor: 1, extraArgs });
  const { page } = browser;
  await page.goto(`${server.url}/${query}`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready' || document.body.dataset.state === 'error', null, { timeout: 240_000 });
  const status = await page.textContent('#load-status');
  if ((await page.evaluate(() => document.body.dataset.state)) !== 'ready') throw new Error(`the model did not load: ${status}`);
  return {
    server,
    browser,
    page,
    shoot: async (selector, name) => {
      await page.locator(selector).scrollIntoViewIfNeeded();
      await page.locator(selector).screenshot({ path: join(screenshots, name) });
    },
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Sets the prompt as a user types it and waits until the page has analysed it (or refused it). */
export async function setPrompt(page: Page, prompt: string): Promise<void> {
  const before = await page.evaluate(() => document.body.dataset.analysed);
  await page.fill('#prompt', prompt);
  await page.waitForFunction((b) => document.body.dataset.analysed !== b, before, { timeout: 120_000 });
}

/**
 * Starts recording, in the page, every animation frame's time and how many generated tokens were on screen
 * then; `stopFrames` returns them. The longest gap between frames is how long the page was frozen.
 */
export async function startFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: { t: number; tokens: number }[]; __recording: boolean };
    w.__frames = [];
    w.__recording = true;
    (w as unknown as { __started: number }).__started = performance.now();
    const tick = (t: number) => {
      w.__frames.push({ t, tokens: document.querySelectorAll('.generated-token').length });
      if (w.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

export async function stopFrames(page: Page): Promise<{ maxGapMs: number; frames: number; distinctTokenCounts: number; p99GapMs: number; maxTokensPerFrame: number }> {
  return page.evaluate(() => {
    const w = window as unknown as { __frames: { t: number; tokens: number }[]; __recording: boolean };
    w.__recording = false;
    // The time from the last frame to now counts too: a page that stopped painting has one long last gap.
    const f = [...w.__frames, { t: performance.now(), tokens: -1 }];
    const gaps = f.slice(1).map((x, i) => x.t - f[i].t);
    if (f.length === 1) gaps.push(performance.now() - (w as unknown as { __started: number }).__started);
    const sorted = [...gaps].sort((a, b) => a - b);
    return {
      maxGapMs: Math.max(0, ...gaps),
      p99GapMs: sorted[Math.floor(0.99 * (sorted.length - 1))] ?? 0,
      frames: f.length - 1,
      distinctTokenCounts: new Set(f.slice(0, -1).map((x) => x.tokens)).size,
      maxTokensPerFrame: Math.max(0, ...f.slice(1, -1).map((x, i) => x.tokens - f[i].tokens)),
    };
  });
}
