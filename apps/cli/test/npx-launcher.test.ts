import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// `npx transformer-kit` at the root of a fresh clone: npm links a workspace's bin at install time only when the
// file exists then, before any build. This installs a copy of the CLI's package.json and its committed launcher
// in a workspace of its own (no dependencies, so npm needs no network) and runs the linked command. The whole
// path (a fresh clone, `bash scripts/setup.sh`, every docs/cli.md example through npx) is a step of .ci/run.
const cli = resolve(import.meta.dirname, '..');

describe('the committed bin launcher', () => {
  const root = mkdtempSync(join(tmpdir(), 'tk-npx-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is linked by npm ci before anything is built, and says how to build when dist is missing', () => {
    const pkg = JSON.parse(readFileSync(join(cli, 'package.json'), 'utf8'));
    // The repository's lockfile names the launcher too (npm ci installs from it).
    const repoLock = JSON.parse(readFileSync(join(cli, '..', '..', 'package-lock.json'), 'utf8'));
    expect(repoLock.packages['apps/cli'].bin).toEqual({ 'transformer-kit': 'bin/transformer-kit.mjs' });
    const launcher = pkg.bin['transformer-kit'];
    expect(launcher).toBe('./bin/transformer-kit.mjs');
    expect(pkg.files).toContain('bin');
    // Committed, not built: a fresh clone has it.
    expect(execFileSync('git', ['ls-files', '--error-unmatch', launcher], { cwd: cli, encoding: 'utf8' }).trim()).toBe('bin/transformer-kit.mjs');
    mkdirSync(join(root, 'apps', 'cli', 'bin'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fresh-clone', private: true, workspaces: ['apps/*'] }));
    writeFileSync(join(root, 'apps', 'cli', 'package.json'), JSON.stringify({ ...pkg, dependencies: {}, devDependencies: {} }));
    copyFileSync(join(cli, launcher), join(root, 'apps', 'cli', launcher));
    // As in CI: a lockfile, then `npm ci` (what scripts/setup.sh runs).
    const lock = spawnSync('npm', ['install', '--package-lock-only', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, encoding: 'utf8' });
    expect(lock.status, lock.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages['apps/cli'].bin).toEqual({ 'transformer-kit': 'bin/transformer-kit.mjs' });
    const install = spawnSync('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    expect(existsSync(join(root, 'node_modules', '.bin', 'transformer-kit'))).toBe(true);
    const run = spawnSync('npx', ['--no-install', 'transformer-kit', '--version'], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^transformer-kit: .*apps\/cli\/dist\/bin\.js is missing: build the CLI first \(npx turbo run build --filter=@transformer-kit\/cli\.\.\. at the repository root\)\n$/);
    expect(run.stderr).not.toMatch(/404|registry/);
  });
});
