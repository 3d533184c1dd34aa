#!/usr/bin/env node
// CI's changeset check: every published package that changed since its last release is named by a pending
// changeset, and a package that was never released (no CHANGELOG.md yet) is named by one too.
//
//   node scripts/release/check-changesets.mjs
//
// Why not plain `changeset status`: it diffs against the merge-base with `baseBranch` (main). CI runs on a
// fresh clone of main, where HEAD *is* main, so the diff is empty and the check passes whatever was merged.
// And even with a diff it only fails when there are changes and *no changeset at all* — one changeset for
// tensor would cover an unrelated change to tokenizer. So this script:
//   1. finds the last release: the last commit that touched a CHANGELOG.md of a published package (what
//      `changeset version` writes), or the repository's first commit before the first release;
//   2. runs `changeset status --since=<that commit>` (the standard check and the release plan printout);
//   3. checks per package: files changed since that package's last release (the changeset config's
//      changedFilePatterns, default "**", as changesets matches them) ⇒ a pending changeset names it.
// It needs the history: a shallow clone (--depth 1) is refused with the command that fixes it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { run } from './run.mjs';
import { changeset } from './version.mjs';
import { REPO_ROOT, listPublishedPackages } from './workspace.mjs';

const micromatch = createRequire(join(REPO_ROOT, 'package.json'))('micromatch');
const git = async (...args) => (await run('git', args, { cwd: REPO_ROOT, echo: false })).stdout.trim();

async function main() {
  if ((await git('rev-parse', '--is-shallow-repository')) === 'true') {
    throw new Error('this is a shallow clone: the last release cannot be found. Run `git fetch --unshallow` (or clone with full history, e.g. actions/checkout fetch-depth: 0) first.');
  }
  const config = JSON.parse(readFileSync(join(REPO_ROOT, '.changeset', 'config.json'), 'utf8'));
  const ignored = new Set(config.ignore ?? []);
  const patterns = config.changedFilePatterns ?? ['**'];
  const packages = listPublishedPackages().filter((p) => !ignored.has(p.name));
  const firstCommit = (await git('rev-list', '--max-parents=0', 'HEAD')).split('\n').pop();
  const changelogs = packages.map((p) => `${p.relDir}/CHANGELOG.md`);
  const lastRelease = (await git('log', '-1', '--format=%H', '--', ...changelogs)) || firstCommit;
  console.log(`last release: ${lastRelease === firstCommit ? `none yet (using the first commit ${firstCommit.slice(0, 12)})` : lastRelease.slice(0, 12)}`);

  console.log(`$ npx changeset status --since=${lastRelease}`);
  const outDir = mkdtempSync(join(tmpdir(), 'changeset-status-'));
  const problems = [];
  let plan = { changesets: [] };
  try {
    const status = await changeset(['status', `--since=${lastRelease}`, `--output=${join(outDir, 'plan.json')}`], { cwd: REPO_ROOT, echo: false, allowFailure: true });
    // It exits before writing the plan when packages changed and no changeset exists at all.
    if (status.code !== 0) problems.push(`changeset status --since=${lastRelease} failed:\n${`${status.stdout}${status.stderr}`.trim()}`);
    else plan = JSON.parse(readFileSync(join(outDir, 'plan.json'), 'utf8'));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  const named = new Set(plan.changesets.flatMap((c) => c.releases.map((r) => r.name)));
  console.log(`pending changesets: ${plan.changesets.map((c) => c.id).join(', ') || 'none'}`);
  // `changeset status --since` reads the changesets git added since the ref: an uncommitted one is not seen.
  const uncommitted = (await git('status', '--porcelain', '--untracked-files=all', '--', '.changeset')).split('\n').filter((l) => l.endsWith('.md'));
  if (uncommitted.length) console.log(`  note: not counted until committed: ${uncommitted.map((l) => l.slice(3)).join(', ')}`);

  for (const pkg of packages) {
    const changelog = join(pkg.dir, 'CHANGELOG.md');
    let reason = null;
    if (!existsSync(changelog)) {
      reason = 'never released (no CHANGELOG.md)';
    } else {
      const since = (await git('log', '-1', '--format=%H', '--', relative(REPO_ROOT, changelog))) || firstCommit;
      // Committed and uncommitted changes, as changesets counts them (`git diff --name-only <ref>`).
      const files = (await git('diff', '--name-only', '--no-relative', since, '--', pkg.relDir)).split('\n').filter(Boolean);
      const matched = micromatch(files.map((f) => f.slice(pkg.relDir.length + 1)), patterns);
      if (matched.length) reason = `${matched.length} file(s) changed since ${since.slice(0, 12)} (${matched.slice(0, 3).join(', ')}${matched.length > 3 ? ', …' : ''})`;
    }
    const covered = named.has(pkg.name);
    console.log(`  ${covered ? 'ok  ' : reason ? 'MISS' : 'ok  '} ${pkg.name}: ${reason ?? 'unchanged since its last release'}${covered ? ' — named by a pending changeset' : ''}`);
    if (reason && !covered) problems.push(`${pkg.name}: ${reason}, but no pending changeset names it`);
  }
  if (problems.length) {
    console.error(`\n${problems.join('\n')}\nAdd one with \`npx changeset\` (see CONTRIBUTING.md).`);
    process.exit(1);
  }
  console.log('changesets: every changed package is covered');
}

main().catch((error) => {
  console.error(`check-changesets: ${error.message}`);
  process.exit(1);
});
