#!/usr/bin/env node
// What a browser app pays for `import { MultiHeadAttention } from '@transformer-kit/attention'`: an esbuild
// bundle (minified, tree-shaken, platform browser) must stay under 25 kB and hold only attention and tensor
// code — no gpu.js, no tokenizer, no Node built-in (platform browser refuses to bundle `node:fs`).
// NOTE: the 25 kB budget is measured as size-limit measures it (the minified bundle, brotli-compressed: what
// a browser downloads). The raw minified size is printed beside it; it is larger (~33 kB) because tensor's CPU
// backend (~13 kB) comes with any op — it is the lazy default backend — and the ops' error messages
// (~6 kB) name shapes and values. Both are deliberate; see the release issue's note.
//
//   node scripts/release/bundle-check.mjs <project-dir>   # a project with @transformer-kit/attention installed
//
// The release rehearsal calls it on the consumer project it installed from the local registry.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { REPO_ROOT } from './workspace.mjs';

export const BUNDLE_LIMIT_BYTES = 25_000;
const ALLOWED_INPUT = /^node_modules\/@transformer-kit\/(attention|tensor)\/dist\//;
// NOTE: 'which cannot be decoded' is the GGUF decoders' error text (they and the quantized kernels live in the
// @transformer-kit/tensor/quant entry, and the GGUF reader is not imported by attention): not in this bundle.
const FORBIDDEN_TEXT = ['gpu.js', 'gpu-mock.js', '@transformer-kit/tokenizer', '@transformer-kit/gpu-backend', 'headless-gl', 'which cannot be decoded'];

/**
 * Bundles the import in `projectDir` and asserts size and contents. Returns the numbers for the report.
 *
 * @param {string} projectDir
 */
export async function bundleCheck(projectDir) {
  // The repository's esbuild, pointed at the consumer's node_modules through absWorkingDir.
  const esbuild = createRequire(join(REPO_ROOT, 'package.json'))('esbuild');
  const entry = join(projectDir, 'bundle-entry.mjs');
  writeFileSync(entry, "import { MultiHeadAttention } from '@transformer-kit/attention';\nexport { MultiHeadAttention };\n");
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: projectDir,
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outfile: join(projectDir, 'bundle', 'attention.min.js'),
    metafile: true,
    write: true,
    logLevel: 'silent',
  });
  const problems = [];
  for (const warning of result.warnings) problems.push(`esbuild warning: ${warning.text}`);
  const [output] = Object.values(result.metafile.outputs);
  const bytes = output.bytes;
  const code = readFileSync(join(projectDir, 'bundle', 'attention.min.js'));
  const gzip = gzipSync(code).length;
  const brotli = brotliCompressSync(code).length;
  const inputs = Object.entries(output.inputs).map(([path, info]) => ({ path, bytes: info.bytesInOutput }));
  for (const input of inputs) {
    if (input.path === 'bundle-entry.mjs' || ALLOWED_INPUT.test(input.path)) continue;
    problems.push(`the bundle holds ${input.path} (${input.bytes} B): only attention and tensor may be in it`);
  }
  const text = code.toString('utf8');
  for (const needle of FORBIDDEN_TEXT) if (text.includes(needle)) problems.push(`the bundle mentions "${needle}"`);
  if (brotli >= BUNDLE_LIMIT_BYTES) problems.push(`the bundle is ${brotli} B brotli-compressed, over the ${BUNDLE_LIMIT_BYTES} B limit`);
  const byPackage = {};
  for (const input of inputs) {
    const key = /@transformer-kit\/[^/]+/.exec(input.path)?.[0] ?? input.path;
    byPackage[key] = (byPackage[key] ?? 0) + input.bytes;
  }
  return { bytes, gzip, brotli, byPackage, problems };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/release/bundle-check.mjs <project-dir>');
    process.exit(2);
  }
  const report = await bundleCheck(resolve(dir));
  console.log(`bundle: ${report.bytes} B minified, ${report.gzip} B gzip, ${report.brotli} B brotli (limit ${BUNDLE_LIMIT_BYTES} B brotli); by package ${JSON.stringify(report.byPackage)}`);
  for (const problem of report.problems) console.error(`  ✗ ${problem}`);
  process.exit(report.problems.length ? 1 : 0);
}
