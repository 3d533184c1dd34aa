import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connect, Plugin } from 'vite';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
/** `../shared/models` beside the repository: what "this server" serves under `/models/` in dev and preview. */
const modelsDir = resolve(repoRoot, '..', 'shared', 'models');

/**
 * The demo builds from the packages' SOURCES (like vitest.shared.ts does for tests), so `vite`, `vite build` and
 * the browser test need no `turbo run build` first: `@transformer-kit/<name>` → `packages/<name>/src/index.ts`.
 */
function sourceAliases() {
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const name of readdirSync(join(repoRoot, 'packages'))) {
    const src = join(repoRoot, 'packages', name, 'src');
    if (!existsSync(src)) continue;
    aliases.push({ find: new RegExp(`^@transformer-kit/${name}/(.+)$`), replacement: `${src}/$1/index.ts` });
    aliases.push({ find: new RegExp(`^@transformer-kit/${name}$`), replacement: `${src}/index.ts` });
  }
  return aliases;
}

/** Serves `../shared/models/**` at `/models/**` (dev and preview servers only; a static build has no models). */
function serveSharedModels(): Plugin {
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const url = decodeURIComponent((req.url ?? '').split('?')[0]);
    if (!url.startsWith('/models/')) return next();
    const file = normalize(join(modelsDir, url.slice('/models/'.length)));
    if (!file.startsWith(modelsDir) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end(`not found: ${url} (the dev server serves ${modelsDir})`);
      return;
    }
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    createReadStream(file).pipe(res);
  };
  return {
    name: 'transformer-kit-shared-models',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

/**
 * Cross-origin isolation (COOP + COEP): SharedArrayBuffer, hence the CPU backend's worker threads (issue #13),
 * need it. The model already runs in a Web Worker; with these headers a threaded CPU backend can arrive without a
 * server change. COEP `require-corp` still lets the page fetch CORS resources (the Hugging Face hub sends CORS).
 */
export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } as const;

export default defineConfig({
  // NOTE: a relative base, so dist/ works from any folder of any static host (GitHub Pages project sites included).
  base: './',
  resolve: { alias: sourceAliases() },
  plugins: [serveSharedModels()],
  // NOTE: keep class and function names through minification. gpu-backend verifies that gpu.js kept each kernel
  // on the expected kernel class by its constructor name ('WebGL2Kernel'); a mangled name reads as a downgrade.
  esbuild: { keepNames: true },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // gpu.js's browser bundle alone is ~500 kB; the demo is one page, so one chunk is fine.
    chunkSizeWarningLimit: 2000,
  },
  // The engine worker imports the packages: bundle it as an ES module like the page.
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', port: 4173, headers: ISOLATION_HEADERS },
});
