#!/usr/bin/env node
/**
 * `npm run docs`: the documentation site in docs-site/ (ignored by git):
 *   1. builds the packages (typedoc resolves one package's imports of another through their dist/ types);
 *   2. runs typedoc 0.28 (typedoc.json: one module per package from its src/index.ts TSDoc, plus the guides in
 *      docs/ as project documents), which fails on any warning: broken {@link}s and relative links, exports
 *      that are referenced but not exported, and undocumented exports;
 *   3. builds the demo into docs-site/demo/ (its base is relative, so it works from any folder of a static host).
 *
 *   node scripts/build-docs.mjs               # all three
 *   node scripts/build-docs.mjs --skip-build  # packages already built
 *   node scripts/build-docs.mjs --no-demo     # API reference and guides only
 *
 * The code in the guides and in the TSDoc @examples is run by scripts/docs-examples.mjs (apps/demo's tests).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const out = join(root, 'docs-site');

function run(label, command, commandArgs, options = {}) {
  console.log(`\n=== ${label}: ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`\nbuild-docs: ${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

// Every package typedoc.json lists must have its entry point, or typedoc's error is cryptic.
const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8'));
const missing = config.entryPoints.filter((dir) => !existsSync(join(root, dir, 'src', 'index.ts')));
if (missing.length) {
  console.error(`build-docs: no src/index.ts in ${missing.join(', ')}: every package typedoc.json lists needs one`);
  process.exit(1);
}
// typedoc.json documents `src/index.ts` and every `src/<sub>/index.ts` (the repository's convention for a subpath
// export `@transformer-kit/<name>/<sub>`, as vitest.shared.ts maps it). A barrel that is not exported would be
// documented as if it were public: refuse it.
for (const dir of config.entryPoints) {
  const exported = Object.keys(JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).exports ?? {});
  const src = join(root, dir, 'src');
  const barrels = readdirSync(src).filter((name) => existsSync(join(src, name, 'index.ts')));
  const stray = barrels.filter((name) => !exported.includes(`./${name}`));
  if (stray.length) {
    console.error(`build-docs: ${stray.map((s) => `${dir}/src/${s}/index.ts`).join(', ')} would be documented as a public subpath, but package.json exports no ./${stray[0]}`);
    process.exit(1);
  }
}
const documents = [config.readme, ...config.projectDocuments].filter((f) => !existsSync(join(root, f)));
if (documents.length) {
  console.error(`build-docs: typedoc.json names guides that do not exist: ${documents.join(', ')}`);
  process.exit(1);
}

const bin = (pkg, path) => join(root, 'node_modules', pkg, path);
if (!args.has('--skip-build')) {
  run('build the packages', process.execPath, [bin('turbo', 'bin/turbo'), 'run', 'build', ...config.entryPoints.map((dir) => `--filter=./${dir}`)]);
}
run('typedoc', process.execPath, [bin('typedoc', 'bin/typedoc'), '--options', join(root, 'typedoc.json')]);
if (!args.has('--no-demo')) {
  run('demo', process.execPath, [bin('vite', 'bin/vite.js'), 'build', '--outDir', join(out, 'demo'), '--emptyOutDir'], { cwd: join(root, 'apps', 'demo') });
  linkDemo();
}

/**
 * Links the built demo from the site's front page and from the demo guide. NOTE: typedoc validates every relative
 * link in the guides against the repository (`invalidPath`), where `demo/index.html` does not exist, so the link is
 * written into the generated pages, after the first heading, once the demo is built beside them.
 */
function linkDemo() {
  // typedoc names a guide's page after its title (docs/demo.md, "The demo" → documents/The_demo.html)
  const guides = existsSync(join(out, 'documents')) ? readdirSync(join(out, 'documents')) : [];
  const demoGuide = guides.find((name) => /(^|_)demo\.html$/i.test(name)) ?? 'demo.html';
  for (const [page, href] of [['index.html', 'demo/index.html'], [`documents/${demoGuide}`, '../demo/index.html']]) {
    const file = join(out, page);
    const html = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const heading = html.search(/<\/h1>/);
    if (heading < 0) {
      console.error(`build-docs: ${file} has no <h1> to put the demo link after`);
      process.exit(1);
    }
    const link = `<p class="tk-demo-link"><a href="${href}"><strong>▶ Open the live demo</strong></a>: a real model runs in your browser, every step a picture.</p>`;
    writeFileSync(file, html.slice(0, heading + 5) + link + html.slice(heading + 5));
  }
}
console.log(`\nbuild-docs: done: ${join(out, 'index.html')}${args.has('--no-demo') ? '' : ` and ${join(out, 'demo', 'index.html')}`}`);
