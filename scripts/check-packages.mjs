#!/usr/bin/env node
// What a published package ships, checked the way a consumer meets it: the tarball `npm pack` would upload
// holds only dist (and the CLI's bin launcher), README, LICENSE, CHANGELOG and package.json; publint --strict finds nothing; and
// @arethetypeswrong/cli resolves the types for every entry point under node10, node16 (CJS and ESM) and bundler.
//
//   npm run check:packages                        # builds first (turbo), then checks every published package
//   node scripts/check-packages.mjs --root DIR    # check another copy (the release rehearsal checks its
//                                                 # versioned copy with --require-changelog)
//   --only tensor,attention                       # a subset (short names or full names)
//   --allow-pending                               # a package without dist/ is reported, not failed (while the
//                                                 # packages are being written; CI never passes this)
//
// Exits non-zero when any package has a problem; every problem is printed, not only the first.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseJson, run } from './release/run.mjs';
import { REPO_ROOT, listPublishedPackages } from './release/workspace.mjs';

const { values: flags } = parseArgs({
  options: {
    root: { type: 'string', default: REPO_ROOT },
    only: { type: 'string' },
    'require-changelog': { type: 'boolean', default: false },
    'allow-pending': { type: 'boolean', default: false },
  },
});

const bin = (name) => join(REPO_ROOT, 'node_modules', '.bin', name);

// The whole list of what may ship. Source maps sit in dist and point at sources that are not shipped; their
// `sourcesContent` carries the code, so a debugger still shows TypeScript.
// bin/: the CLI's committed launcher (npm links a bin only if its file exists at install time).
const ALLOWED = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^CHANGELOG\.md$/, /^dist\//, /^bin\//];

/**
 * attw rules ignored here, each with the reason it cannot apply. Empty on purpose: every library package
 * ships ESM + CJS with their own .d.ts/.d.cts, so every rule applies. A package with no library entry point
 * at all (a `bin`-only CLI) is not given to attw: there are no types to be wrong (see `hasLibraryEntry`).
 */
const IGNORED_ATTW_RULES = [];

/** Checks the file list of `npm pack --dry-run --json` for one package. */
async function checkTarball(pkg, requireChangelog) {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkg.dir, echo: false });
  const [report] = parseJson(stdout, `npm pack --dry-run --json in ${pkg.relDir}`);
  const files = report.files.map((f) => f.path).sort();
  const problems = [];
  for (const file of files) {
    if (!ALLOWED.some((re) => re.test(file))) problems.push(`tarball holds ${file} (only dist, bin, README.md, LICENSE, CHANGELOG.md, package.json may ship)`);
  }
  const required = ['package.json', 'README.md', 'LICENSE', ...(requireChangelog ? ['CHANGELOG.md'] : [])];
  for (const file of required) if (!files.includes(file)) problems.push(`tarball lacks ${file}`);
  if (!files.some((f) => f.startsWith('dist/'))) problems.push('tarball has no dist/ files');
  return { problems, files, size: report.size, unpackedSize: report.unpackedSize };
}

async function checkPublint(pkg) {
  const { code, stdout, stderr } = await run(bin('publint'), [pkg.dir, '--strict'], { echo: false, allowFailure: true });
  const text = `${stdout}${stderr}`.trim();
  if (code === 0) return { problems: [] };
  return { problems: [`publint --strict:\n${indent(text)}`] };
}

function hasLibraryEntry(manifest) {
  return Boolean(manifest.exports || manifest.main || manifest.module || manifest.types || manifest.typings);
}

async function checkAttw(pkg) {
  if (!hasLibraryEntry(pkg.manifest)) return { problems: [], note: 'attw: skipped (bin-only package, no library entry point)' };
  const args = ['--pack', pkg.dir, '--format', 'json', '--profile', 'strict'];
  if (IGNORED_ATTW_RULES.length) args.push('--ignore-rules', ...IGNORED_ATTW_RULES);
  const { stdout } = await run(bin('attw'), args, { echo: false, allowFailure: true });
  const report = parseJson(stdout, `attw --pack ${pkg.relDir}`);
  const analysis = report.analysis ?? {};
  if (!analysis.types) return { problems: ['attw: the package ships no types'] };
  const problems = (analysis.problems ?? [])
    .filter((p) => !IGNORED_ATTW_RULES.includes(kebab(p.kind)))
    .map((p) => `attw ${kebab(p.kind)}: entry point "${p.entrypoint ?? '?'}"${p.resolutionKind ? ` under ${p.resolutionKind}` : ''}${p.fileName ? ` (${p.fileName})` : ''}`);
  const entrypoints = Object.keys(analysis.entrypoints ?? {});
  return { problems, note: `attw: ${entrypoints.length} entry point(s) ${entrypoints.join(', ')} x node10/node16-cjs/node16-esm/bundler` };
}

// attw reports problem kinds in PascalCase and takes rules in kebab-case (its `problemKindInfo` mapping).
const RULE_OF_KIND = {
  NoResolution: 'no-resolution',
  UntypedResolution: 'untyped-resolution',
  FalseCJS: 'false-cjs',
  FalseESM: 'false-esm',
  CJSResolvesToESM: 'cjs-resolves-to-esm',
  FallbackCondition: 'fallback-condition',
  CJSOnlyExportsDefault: 'cjs-only-exports-default',
  NamedExports: 'named-exports',
  FalseExportDefault: 'false-export-default',
  MissingExportEquals: 'missing-export-equals',
  UnexpectedModuleSyntax: 'unexpected-module-syntax',
  InternalResolutionError: 'internal-resolution-error',
};
function kebab(kind) {
  return RULE_OF_KIND[kind] ?? kind;
}

function indent(text) {
  return text.split('\n').map((l) => `      ${l}`).join('\n');
}

async function checkPackage(pkg) {
  const tarball = await checkTarball(pkg, flags['require-changelog']);
  const publint = await checkPublint(pkg);
  const attw = await checkAttw(pkg);
  return { tarball, publint, attw, problems: [...tarball.problems, ...publint.problems, ...attw.problems] };
}

async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function main() {
  const root = resolve(flags.root);
  let packages = listPublishedPackages(root);
  if (flags.only) {
    const wanted = flags.only.split(',').map((s) => s.trim()).filter(Boolean);
    packages = packages.filter((p) => wanted.some((w) => p.name === w || p.name.endsWith(`/${w}`)));
    if (packages.length !== wanted.length) throw new Error(`--only ${flags.only}: found ${packages.map((p) => p.name).join(', ') || 'nothing'}`);
  }
  console.log(`check-packages: ${packages.length} published package(s) under ${root}`);
  const pending = packages.filter((p) => flags['allow-pending'] && !existsSync(join(p.dir, 'dist'))).map((p) => p.name);
  const toCheck = packages.filter((p) => !pending.includes(p.name));
  // Packages are independent: check a few at once (each check packs its own package), print in order.
  const reports = await mapLimit(toCheck, Math.max(2, availableParallelism()), checkPackage);
  let failed = 0;
  for (const [index, pkg] of toCheck.entries()) {
    const { tarball, publint, attw, problems } = reports[index];
    console.log(`\n- ${pkg.name}@${pkg.version}: ${problems.length ? 'FAIL' : 'ok'}`);
    console.log(`    tarball: ${tarball.files.length} files, ${tarball.size} B packed / ${tarball.unpackedSize} B unpacked: ${tarball.files.join(' ')}`);
    console.log(`    publint --strict: ${publint.problems.length ? 'problems' : 'all good'}`);
    if (attw.note) console.log(`    ${attw.note}`);
    for (const problem of problems) console.log(`    ✗ ${problem}`);
    if (problems.length) failed += 1;
  }
  for (const name of pending) console.log(`\n- ${name}: PENDING (no dist/: not built)`);
  console.log('');
  if (pending.length) console.log(`check-packages: PENDING (not built, not checked): ${pending.join(', ')}`);
  if (failed) {
    console.error(`check-packages: ${failed} package(s) with problems`);
    process.exit(1);
  }
  console.log(`check-packages: ${packages.length - pending.length} package(s) ok`);
}

main().catch((error) => {
  console.error(`check-packages: ${error.stack ?? error}`);
  process.exit(1);
});
