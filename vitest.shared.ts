import { readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * Tests inside the workspace run against the packages' sources, not their builds: every
 * `@transformer-kit/<name>` (and `@transformer-kit/<name>/<subpath>`) resolves to `packages/<name>/src`.
 */
function sourceAliases() {
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const name of readdirSync(join(root, 'packages'))) {
    const src = join(root, 'packages', name, 'src');
    if (!existsSync(src)) continue;
    aliases.push({ find: new RegExp(`^@transformer-kit/${name}/(.+)$`), replacement: `${src}/$1/index.ts` });
    aliases.push({ find: new RegExp(`^@transformer-kit/${name}$`), replacement: `${src}/index.ts` });
  }
  return aliases;
}

/** The folder of reference data beside the repository (`../shared`), as CI lays it out. */
export const sharedDir = resolve(root, '..', 'shared');

/** The vitest configuration every package's `vitest.config.ts` returns. */
export function packageTestConfig(overrides: UserConfig['test'] = {}) {
  return defineConfig({
    resolve: { alias: sourceAliases() },
    test: {
      include: ['test/**/*.test.ts'],
      setupFiles: [join(root, 'test-support', 'yield-between-tests.ts')],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      ...overrides,
    },
  });
}
