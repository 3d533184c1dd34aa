import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const packagesDir = resolve(import.meta.dirname, '../../../packages');

/**
 * A page for a test entry (e.g. test/browser/fixture-models-entry.ts): the entry bundled by esbuild into
 * `bundle.js` beside an `index.html` that loads it, in a fresh temporary folder to serve with serveStatic.
 * Like vite.config.ts, `@transformer-kit/<name>[/<sub>]` resolves to `packages/<name>/src[/<sub>]/index.ts`, so
 * nothing needs building first (neither the packages nor the demo).
 */
export async function bundleBrowserPage(entry: string, title: string): Promise<{ dir: string; dispose: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'transformer-kit-page-'));
  try {
    await build({
      entryPoints: [entry],
      outfile: join(dir, 'bundle.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      logLevel: 'silent',
      // NOTE: gpu-backend checks each kernel's class by its constructor name ('WebGL2Kernel'); esbuild may rename
      // classes when bundling, which would read as a downgrade (vite.config.ts sets keepNames for the same reason).
      keepNames: true,
      plugins: [
        {
          name: 'workspace-sources',
          setup(b) {
            b.onResolve({ filter: /^@transformer-kit\/[^/]+(\/.+)?$/ }, (args) => {
              const [, name, sub] = /^@transformer-kit\/([^/]+)(?:\/(.+))?$/.exec(args.path)!;
              const path = join(packagesDir, name, 'src', sub ? `${sub}/index.ts` : 'index.ts');
              if (!existsSync(path)) return { errors: [{ text: `${args.path}: no ${path} (imported from ${args.importer})` }] };
              return { path };
            });
          },
        },
      ],
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  // NOTE: an empty data: icon, so Chromium's /favicon.ico request cannot log a 404 into the console under test.
  writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title><script type="module" src="./bundle.js"></script>\n`);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
