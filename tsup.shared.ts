import { defineConfig, type Options } from 'tsup';

/**
 * The one tsup configuration every package builds with: ESM + CJS + `.d.ts`/`.d.cts`, sourcemaps,
 * dependencies left external, nothing minified (consumers' bundlers minify).
 */
export function packageConfig(entry: string[] | Record<string, string>, overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: false,
    treeshake: true,
    target: 'es2022',
    outDir: 'dist',
    ...overrides,
  });
}
