// `changeset version` in the temporary copy, and what must be true afterwards: the fixed group moved
// together, every published package has a CHANGELOG.md entry for the new version, and no package crossed a
// major version that no changeset asked for.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './run.mjs';
import { REPO_ROOT, listPublishedPackages } from './workspace.mjs';

const CHANGESET = join(REPO_ROOT, 'node_modules', '@changesets', 'cli', 'bin.js');

/** Runs the changesets CLI (the repository's copy) in `cwd`. */
export function changeset(args, options) {
  return run(process.execPath, [CHANGESET, ...args], options);
}

/** The pending changeset files in `root`/.changeset. */
export function pendingChangesets(root) {
  return readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
}

/**
 * Versions the copy at `copyDir`. When no changeset is pending (right after a release), a patch changeset for
 * every package is written first — in the copy only — so there is still something to publish.
 *
 * @param {string} copyDir
 * @param {string[]} readyNames  the packages that will be published
 * @param {NodeJS.ProcessEnv} env
 */
export async function versionCopy(copyDir, readyNames, env) {
  const problems = [];
  let changesets = pendingChangesets(copyDir);
  let synthetic = false;
  if (changesets.length === 0) {
    const front = readyNames.map((n) => `'${n}': patch`).join('\n');
    writeFileSync(join(copyDir, '.changeset', 'release-rehearsal.md'), `---\n${front}\n---\n\nRelease rehearsal (no changeset was pending).\n`);
    changesets = pendingChangesets(copyDir);
    synthetic = true;
  }
  const before = new Map(listPublishedPackages(copyDir).map((p) => [p.name, p.version]));

  const planFile = join(copyDir, 'release-plan.json');
  await changeset(['status', `--output=${planFile}`], { cwd: copyDir, env });
  const plan = JSON.parse(readFileSync(planFile, 'utf8'));
  await changeset(['version'], { cwd: copyDir, env });

  const after = listPublishedPackages(copyDir).filter((p) => readyNames.includes(p.name));
  const versions = [...new Set(after.map((p) => p.version))];
  if (versions.length !== 1) problems.push(`the fixed group did not move together: ${after.map((p) => `${p.name}@${p.version}`).join(', ')}`);
  const version = after[0]?.version;
  for (const pkg of after) {
    if (pkg.version === before.get(pkg.name)) problems.push(`${pkg.name} was not bumped (still ${pkg.version})`);
    const changelog = join(pkg.dir, 'CHANGELOG.md');
    if (!existsSync(changelog)) problems.push(`${pkg.name}: changeset version wrote no CHANGELOG.md`);
    else if (!readFileSync(changelog, 'utf8').includes(`## ${pkg.version}`)) problems.push(`${pkg.name}: CHANGELOG.md has no "## ${pkg.version}" entry`);
  }
  problems.push(...unaskedMajors(plan, before, copyDir));
  return { version, before, plan, changesets, synthetic, problems };
}

/**
 * A major bump no changeset asked for. changesets bumps a package MAJOR when a peerDependency of it gets a
 * minor or major release (see @changesets/assemble-release-plan, determine-dependents), and the fixed group
 * then carries every package to that major: a `minor` changeset on tensor would publish 1.0.0 everywhere.
 */
function unaskedMajors(plan, before, copyDir) {
  const askedMajor = plan.changesets.some((c) => c.releases.some((r) => r.type === 'major'));
  if (askedMajor) return [];
  const crossed = plan.releases.filter((r) => before.has(r.name) && major(r.newVersion) > major(r.oldVersion));
  if (!crossed.length) return [];
  const peers = listPublishedPackages(copyDir)
    .filter((p) => Object.keys(p.manifest.peerDependencies ?? {}).some((d) => before.has(d)))
    .map((p) => `${p.name} (peerDependencies ${JSON.stringify(p.manifest.peerDependencies)})`);
  return [
    `the release crosses a major version no changeset asked for: ${crossed.map((r) => `${r.name} ${r.oldVersion} -> ${r.newVersion} (${r.type})`).join(', ')}.` +
      (peers.length ? ` Cause: changesets bumps peer dependents major on a minor release of the peer: ${peers.join('; ')}.` : ''),
  ];
}

function major(version) {
  return Number(version.split('.')[0]);
}
