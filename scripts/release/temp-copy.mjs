// A throwaway copy of the repository to build, version and publish from, so the working tree is never
// modified — not even its dist/ folders, which other people may be rebuilding at the same moment. The copy
// holds the files git knows about (tracked, plus untracked-but-not-ignored while packages are being written).
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from './run.mjs';
import { REPO_ROOT, SCOPE, listWorkspacePackages } from './workspace.mjs';

/**
 * Copies the repository into `target` (which must not exist yet), commits the snapshot in a fresh git
 * repository there (changesets reads git for the changelog and the release plan), then gives it a
 * node_modules that borrows every installed tool from the repository's but resolves @transformer-kit/* to
 * the copy's own packages.
 *
 * @param {string} target
 */
export async function copyRepository(target) {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, echo: false });
  const files = stdout.split('\0').filter(Boolean);
  mkdirSync(target, { recursive: true });
  let copied = 0;
  for (const file of files) {
    const from = join(REPO_ROOT, file);
    if (!existsSync(from)) continue; // deleted in the working tree but still tracked
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(from, join(target, file), { verbatimSymlinks: true });
    copied += 1;
  }
  const git = (...args) => run('git', ['-c', 'user.name=Release Rehearsal', '-c', 'user.email=rehearsal@localhost', '-c', 'commit.gpgsign=false', ...args], { cwd: target, echo: false });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'release rehearsal snapshot');
  linkNodeModules(target); // after the commit, which must not hold it
  return { files: copied };
}

/**
 * `target/node_modules`: a symlink per entry of the repository's node_modules (tools, third-party packages),
 * except @transformer-kit, which links to the copy's workspace packages — so a package's build in the copy
 * reads the types of its dependencies as built in the copy. Packages with a nested node_modules (npm puts a
 * conflicting version there) get theirs linked too.
 */
function linkNodeModules(target) {
  const source = join(REPO_ROOT, 'node_modules');
  const nodeModules = join(target, 'node_modules');
  mkdirSync(nodeModules);
  for (const entry of readdirSync(source)) {
    if (entry === SCOPE || entry === '.package-lock.json' || entry === '.cache') continue;
    symlinkSync(join(source, entry), join(nodeModules, entry));
  }
  mkdirSync(join(nodeModules, SCOPE));
  for (const pkg of listWorkspacePackages(target)) {
    symlinkSync(pkg.dir, join(nodeModules, pkg.name));
    const nested = join(REPO_ROOT, pkg.relDir, 'node_modules');
    if (existsSync(nested) && !existsSync(join(pkg.dir, 'node_modules'))) symlinkSync(nested, join(pkg.dir, 'node_modules'));
  }
}
