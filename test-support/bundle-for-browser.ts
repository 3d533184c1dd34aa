import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const packages = resolve(import.meta.dirname, '../packages');

/**
 * Bundles a browser test's entry with esbuild into one ES module, `@transformer-kit/<name>[/<sub>]` resolved to
 * the packages' sources (as vitest.shared.ts does for Node tests), for a page served from 127.0.0.1.
 */
export async function bundleForBrowser(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    plugins: [
      {
        name: 'workspace-sources',
        setup(b) {
          b.onResolve({ filter: /^@transformer-kit\/[^/]+(\/.+)?$/ }, (args) => {
            const [, name, sub] = /^@transformer-kit\/([^/]+)(?:\/(.+))?$/.exec(args.path)!;
            return { path: join(packages, name, 'src', sub ? `${sub}/index.ts` : 'index.ts') };
          });
        },
      },
    ],
  });
  return out.outputFiles[0].text;
}
