#!/usr/bin/env node
/**
 * Runs the code in the documentation, so the docs cannot rot:
 *   - every ```ts / ```js block of docs/*.md, README.md, packages/*\/README.md and apps/*\/README.md;
 *   - every `@example` of the packages' and the CLI's TSDoc (packages/*\/src, apps/cli/src): its fenced ```ts blocks, or the whole
 *     example when it has no fence (TypeDoc renders an unfenced example as code).
 * `@transformer-kit/<name>` imports are resolved to the packages' SOURCES (packages/<name>/src/index.ts), each
 * example is bundled alone by esbuild and run alone in a child `node` process with the repository root as its
 * working directory (so paths like `../shared/models/...` work), with top-level await allowed. An example that
 * imports the GPU backend runs under `xvfb-run` when there is no display (headless GL needs one).
 *
 * A block opts out only with an explicit marker AND a reason next to it: ```ts no-run (needs a GL context).
 * In TSDoc: a fenced ```ts no-run (reason) block inside the @example.
 *
 *   node scripts/docs-examples.mjs            # run everything, print failures, exit 1 on any
 *   node scripts/docs-examples.mjs --list     # list the examples found
 *   node scripts/docs-examples.mjs tensor     # only examples whose file path contains "tensor"
 *   node scripts/docs-examples.mjs --show     # also print what each passing example printed
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const RUNNABLE = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs', 'mts']);

/**
 * @typedef {object} Example
 * @property {string} id        a stable name: `docs/six-steps.md:42` or `packages/tensor/src/ops/matmul.ts:17 matmul`
 * @property {string} file      path relative to the repository root
 * @property {number} line      1-based line of the block's first code line
 * @property {string} code
 * @property {string | null} skip  the reason given with `no-run`, or null when the block runs
 * @property {string} lang      the fence's language (ts, js, ...); `ts` for an unfenced TSDoc example
 */

/** Parses a fence's info string: language, and a `no-run (reason)` marker. */
function parseInfo(info) {
  const trimmed = info.trim();
  const [lang = ''] = trimmed.split(/\s+/, 1);
  const rest = trimmed.slice(lang.length).trim();
  const noRun = /^no-run\b\s*(.*)$/.exec(rest);
  return { lang: lang.toLowerCase(), noRun: noRun ? noRun[1].replace(/^\(|\)$/g, '').trim() : null };
}

/** The fenced blocks of a Markdown text: [{ info, code, line }] (line: 1-based line of the first code line). */
export function fencedBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if (lines[j].trim().startsWith(fence) && lines[j].trim().replace(/[`~]/g, '') === '') break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    blocks.push({ info, code: body.join('\n'), line: i + 2 });
    i = j;
  }
  return blocks;
}

/** Runnable examples out of one Markdown file. */
export function markdownExamples(file, text) {
  const out = [];
  for (const block of fencedBlocks(text)) {
    const { lang, noRun } = parseInfo(block.info);
    if (!RUNNABLE.has(lang)) continue;
    out.push({ id: `${file}:${block.line}`, file, line: block.line, code: block.code, skip: noRun, lang });
  }
  return out;
}

/** The name a TSDoc comment documents: the identifier on the first code line after it. */
function documentedName(source, end) {
  const after = source.slice(end, end + 300);
  const m = /^\s*(?:export\s+)?(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:static\s+)?(?:readonly\s+)?(?:get\s+|set\s+)?(?:function\*?|class|interface|type|const|let|enum|namespace)?\s*([A-Za-z_$][\w$]*)/.exec(after);
  return m ? m[1] : '?';
}

/** Runnable examples out of the `@example` tags of one TypeScript source. */
export function tsdocExamples(file, source) {
  const out = [];
  const comment = /\/\*\*([\s\S]*?)\*\//g;
  let match;
  while ((match = comment.exec(source))) {
    const startLine = source.slice(0, match.index).split('\n').length;
    const lines = match[1].split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
    const name = documentedName(source, match.index + match[0].length);
    for (let i = 0; i < lines.length; i++) {
      const tag = /^\s*@example\b(.*)$/.exec(lines[i]);
      if (!tag) continue;
      // The example runs to the next block tag (outside a fence) or the end of the comment.
      const body = [];
      const title = tag[1].trim();
      if (title && !title.startsWith('```')) {
        // `@example const x = f();` on one line: the rest of the line is code.
        body.push(title);
      }
      let j = i + 1;
      let inFence = false;
      for (; j < lines.length; j++) {
        if (/^\s*(`{3,}|~{3,})/.test(lines[j])) inFence = !inFence;
        if (!inFence && /^\s*@[a-zA-Z]+/.test(lines[j])) break;
        body.push(lines[j]);
      }
      const text = body.join('\n');
      const firstLine = startLine + i + 1;
      const fenced = fencedBlocks(text);
      if (fenced.length > 0) {
        for (const block of fenced) {
          const { lang, noRun } = parseInfo(block.info);
          if (!RUNNABLE.has(lang)) continue;
          const line = firstLine + block.line - 1;
          out.push({ id: `${file}:${line} ${name}`, file, line, code: block.code, skip: noRun, lang });
        }
      } else if (text.trim()) {
        out.push({ id: `${file}:${firstLine} ${name}`, file, line: firstLine, code: text, skip: null, lang: 'ts' });
      }
      i = j - 1;
    }
  }
  return out;
}

function walk(dir, accept, into = []) {
  if (!existsSync(dir)) return into;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, accept, into);
    else if (accept(path)) into.push(path);
  }
  return into;
}

/** Every example of the repository, in a stable order. */
export function collectExamples(root = repoRoot) {
  const markdown = [
    ...walk(join(root, 'docs'), (p) => p.endsWith('.md') && !p.includes(`${join(root, 'docs', 'test')}`)),
    join(root, 'README.md'),
    ...['packages', 'apps'].flatMap((group) =>
      existsSync(join(root, group)) ? readdirSync(join(root, group)).map((name) => join(root, group, name, 'README.md')) : [],
    ),
  ].filter((p) => existsSync(p));
  // The packages' TSDoc, and the CLI's (a published package too); not the demo's (a private app).
  const sourceDirs = [
    ...(existsSync(join(root, 'packages')) ? readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name, 'src')) : []),
    join(root, 'apps', 'cli', 'src'),
  ];
  const sources = sourceDirs.flatMap((dir) => walk(dir, (p) => /\.(ts|mts)$/.test(p) && !p.endsWith('.d.ts')));
  const examples = [];
  for (const path of markdown.sort()) examples.push(...markdownExamples(relative(root, path), readFileSync(path, 'utf8')));
  for (const path of sources.sort()) examples.push(...tsdocExamples(relative(root, path), readFileSync(path, 'utf8')));
  return examples;
}

/** esbuild plugin: `@transformer-kit/<name>[/<sub>]` → the package's source entry (packages/, then apps/: the CLI). */
function sourcesPlugin(root) {
  return {
    name: 'transformer-kit-sources',
    setup(build) {
      build.onResolve({ filter: /^@transformer-kit\// }, (args) => {
        const [, name, sub] = /^@transformer-kit\/([^/]+)(?:\/(.+))?$/.exec(args.path) ?? [];
        const group = ['packages', 'apps'].find((g) => existsSync(join(root, g, name ?? '', 'src'))) ?? 'packages';
        const src = join(root, group, name ?? '', 'src');
        const entry = sub ? join(src, sub, 'index.ts') : join(src, 'index.ts');
        if (!existsSync(entry)) {
          return { errors: [{ text: `${args.path}: no ${relative(root, entry)} (is the package written yet?)` }] };
        }
        return { path: entry };
      });
    },
  };
}

/**
 * Bundles each runnable example into `outDir/<n>.mjs`. Returns, per example, the file or the bundling error.
 * One esbuild call for all of them (fast), without code splitting, so each example gets its own copy of the
 * packages' module state (the active backend, the live-tensor count) like a fresh program would.
 */
export async function bundleExamples(examples, outDir, root = repoRoot) {
  const { build } = await import('esbuild');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const results = new Map();
  const runnable = examples.filter((e) => e.skip === null);
  await Promise.all(
    runnable.map(async (example, n) => {
      const outfile = join(outDir, `${String(n).padStart(4, '0')}.mjs`);
      try {
        await build({
          stdin: { contents: example.code, loader: 'ts', resolveDir: root, sourcefile: example.id },
          bundle: true,
          format: 'esm',
          platform: 'node',
          target: 'node20',
          packages: 'external',
          outfile,
          logLevel: 'silent',
          sourcemap: 'inline',
          plugins: [sourcesPlugin(root)],
          // A CommonJS dependency (gpu.js, gl) bundled into ESM needs a require.
          banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
        });
        results.set(example, { outfile });
      } catch (error) {
        const messages = (error.errors ?? []).map((e) => `${e.text}${e.location ? ` (line ${e.location.line}: ${e.location.lineText.trim()})` : ''}`);
        results.set(example, { error: messages.join('\n') || String(error) });
      }
    }),
  );
  return results;
}

function hasDisplay() {
  return Boolean(process.env.DISPLAY);
}

/** Runs one bundled example in a child process. Resolves { ok, output, ms }. */
function runFile(outfile, example, root, timeoutMs) {
  const needsGl = /@transformer-kit\/gpu-backend|from ['"]gl['"]/.test(example.code) && !hasDisplay() && existsSync('/usr/bin/xvfb-run');
  const command = needsGl ? 'xvfb-run' : process.execPath;
  const args = needsGl ? ['-a', process.execPath, outfile] : [outfile];
  return new Promise((resolvePromise) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[docs-examples] timed out after ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ ok: code === 0, output: output.trim(), ms: Date.now() - started });
    });
  });
}

/**
 * Bundles and runs examples, `concurrency` at a time.
 * @returns {Promise<Array<{ example: Example, status: 'passed' | 'failed' | 'skipped', output: string, ms: number }>>}
 */
export async function runExamples(examples, { root = repoRoot, outDir = join(root, 'out', 'docs-examples', String(process.pid)), concurrency = Math.max(2, availableParallelism()), timeoutMs = 120_000 } = {}) {
  const bundles = await bundleExamples(examples, outDir, root);
  const results = new Array(examples.length);
  let next = 0;
  async function worker() {
    while (next < examples.length) {
      const i = next++;
      const example = examples[i];
      if (example.skip !== null) {
        results[i] = { example, status: 'skipped', output: example.skip, ms: 0 };
        continue;
      }
      const bundle = bundles.get(example);
      if (bundle.error) {
        results[i] = { example, status: 'failed', output: `does not compile:\n${bundle.error}`, ms: 0 };
        continue;
      }
      const run = await runFile(bundle.outfile, example, root, timeoutMs);
      results[i] = { example, status: run.ok ? 'passed' : 'failed', output: run.output, ms: run.ms };
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  // The bundles live under out/ (inside the repository, so their bare imports resolve from node_modules); one
  // folder per process, so two runs never overwrite each other's files.
  rmSync(outDir, { recursive: true, force: true });
  return results;
}

/** Problems with the opt-out markers themselves: a `no-run` without a reason. */
export function markerProblems(examples) {
  return examples.filter((e) => e.skip !== null && e.skip.trim() === '').map((e) => `${e.id}: \`no-run\` needs a reason next to it, e.g. \`\`\`ts no-run (needs a GL context)`);
}

async function main() {
  const args = process.argv.slice(2);
  const filters = args.filter((a) => !a.startsWith('--'));
  let examples = collectExamples();
  if (filters.length) examples = examples.filter((e) => filters.some((f) => e.file.includes(f)));
  if (args.includes('--list')) {
    for (const e of examples) console.log(`${e.skip === null ? 'run ' : 'skip'} ${e.id}${e.skip ? ` — ${e.skip}` : ''}`);
    console.log(`${examples.length} examples`);
    return;
  }
  const problems = markerProblems(examples);
  const results = await runExamples(examples);
  const failed = results.filter((r) => r.status === 'failed');
  for (const r of failed) {
    console.log(`\n✗ ${r.example.id}\n${r.example.code.split('\n').map((l) => `    | ${l}`).join('\n')}\n${r.output.split('\n').slice(0, 12).map((l) => `    > ${l}`).join('\n')}`);
  }
  if (args.includes('--show')) {
    for (const r of results.filter((x) => x.status === 'passed')) console.log(`\n✓ ${r.example.id} (${r.ms} ms)\n${r.output.split('\n').map((l) => `    > ${l}`).join('\n')}`);
  }
  for (const p of problems) console.log(`✗ ${p}`);
  const count = (s) => results.filter((r) => r.status === s).length;
  console.log(`\ndocs examples: ${count('passed')} passed, ${failed.length} failed, ${count('skipped')} skipped (no-run with a reason), ${examples.length} total`);
  if (args.includes('--json')) writeFileSync(join(repoRoot, 'out', 'docs-examples.json'), JSON.stringify(results.map((r) => ({ id: r.example.id, status: r.status, output: r.output, ms: r.ms })), null, 2));
  process.exitCode = failed.length || problems.length ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
