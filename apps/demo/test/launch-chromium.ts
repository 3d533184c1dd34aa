import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium, headless, with WebGL2 through SwiftShader (ANGLE's software Vulkan): no GPU, no X server,
 * no sandbox (CI containers run as root), and no background traffic to Google.
 */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A running Chromium with one page whose console errors and uncaught exceptions are collected from the start. */
export interface ChromiumSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console messages of type 'error' and `pageerror: <message>` for uncaught exceptions, in order. */
  readonly consoleErrors: string[];
  /** Closes the browser and removes its temporary profile. */
  close(): Promise<void>;
}

type LaunchOptions = NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>;

/**
 * Launches /usr/bin/chromium through playwright-core in a fresh temporary profile (a persistent context, so the
 * flags above apply as they would to a user's browser). `options` adds to the defaults, e.g. a viewport.
 */
export async function launchChromium(options: Omit<LaunchOptions, 'executablePath' | 'headless' | 'args'> & { extraArgs?: string[] } = {}): Promise<ChromiumSession> {
  const { extraArgs = [], ...rest } = options;
  const userDataDir = mkdtempSync(join(tmpdir(), 'transformer-kit-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...extraArgs], ...rest });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  return {
    context,
    page,
    consoleErrors,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
