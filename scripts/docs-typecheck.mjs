#!/usr/bin/env node
/**
 * Type-checks the code in the documentation with `tsc --strict`, as a user's editor would see it: every
 * ```ts block of docs/*.md and the READMEs, and every TSDoc `@example` (the same set scripts/docs-examples.mjs
 * runs, found by the same code; `no-run` blocks too: a block that cannot run here must still compile). Each
 * example is one module of its own, `@transformer-kit/<name>[/<sub>]` resolved to the packages' sources.
 * `npm run typecheck` runs it after the packages' own type-check.
 *
 *   node scripts/docs-typecheck.mjs            # exit 1 on any error, each printed with the example's place
 *   node scripts/docs-typecheck.mjs tokenizer  # only examples whose file path contains "tokenizer"
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { collectExamples, repoRoot } from './docs-examples.mjs';

const TYPESCRIPT = new Set(['ts', 'typescript', 'mts']);

/** tsconfig `paths`: each workspace package's entry and sub-entries (`/node`, `/testing`) → its sources. */
function sourcePaths(outDir) {
  const paths = {};
  for (const group of ['packages', 'apps']) {
    for (const name of existsSync(join(repoRoot, group)) ? readdirSync(join(repoRoot, group)) : []) {
      const src = join(repoRoot, group, name, 'src');
      if (!existsSync(join(src, 'index.ts'))) continue;
      paths[`@transformer-kit/${name}`] = [relative(outDir, join(src, 'index.ts'))];
      paths[`@transformer-kit/${name}/*`] = [relative(outDir, join(src, '*', 'index.ts'))];
    }
  }
  return paths;
}

function main() {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  let examples = collectExamples().filter((e) => TYPESCRIPT.has(e.lang));
  if (filters.length) examples = examples.filter((e) => filters.some((f) => e.file.includes(f)));
  // Inside the repository (so bare imports resolve from its node_modules), one folder per process.
  const outDir = join(repoRoot, 'out', 'docs-typecheck', String(process.pid));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const byFile = new Map();
  examples.forEach((example, n) => {
    const file = `example-${String(n).padStart(4, '0')}.ts`;
    byFile.set(file, example);
    // Relative imports are written from the repository root (where docs-examples.mjs runs them): rebase them.
    const code = example.code.replace(/(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g, (_, lead, q, spec) => `${lead}${q}${relative(outDir, join(repoRoot, spec))}${q}`);
    // `export {}` makes each example a module: top-level await, and names private to the example.
    writeFileSync(join(outDir, file), `${code}\nexport {};\n`);
  });
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022', 'DOM'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      resolveJsonModule: true,
      isolatedModules: true,
      types: ['node'],
      typeRoots: [relative(outDir, join(repoRoot, 'node_modules', '@types'))],
      paths: sourcePaths(outDir),
    },
    include: ['*.ts'],
  };
  writeFileSync(join(outDir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', outDir, '--pretty', 'false'], { cwd: outDir, encoding: 'utf8' });
  const errors = [];
  const failedIds = new Set();
  const elsewhere = [];
  for (const line of `${tsc.stdout}${tsc.stderr}`.split('\n').filter(Boolean)) {
    const m = /^(example-\d{4}\.ts)\((\d+),(\d+)\): (.*)$/.exec(line);
    const example = m && byFile.get(m[1]);
    if (!example) {
      // tsc continues a message on indented lines ("Type 'X' is missing ..."): they belong to the error above.
      if (/^\s/.test(line) && errors.length) errors[errors.length - 1] = errors[errors.length - 1].replace(/\n {4}\|/, `\n${line}\n    |`);
      else elsewhere.push(line);
      continue;
    }
    failedIds.add(example.id);
    const codeLine = example.code.split('\n')[Number(m[2]) - 1] ?? '';
    errors.push(`✗ ${example.file}:${example.line + Number(m[2]) - 1} (${example.id}): ${m[4]}\n    | ${codeLine.trim()}`);
  }
  rmSync(outDir, { recursive: true, force: true });
  for (const e of errors) console.log(e);
  for (const e of elsewhere) console.log(`✗ ${e}`);
  console.log(`\ndocs type-check (tsc --strict): ${examples.length} TypeScript examples, ${errors.length} errors${errors.length ? ` in ${failedIds.size} examples` : ''}`);
  process.exitCode = errors.length || elsewhere.length || tsc.status !== 0 ? 1 : 0;
}

main();
