import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Installing @transformer-kit/attention alone pulls in @transformer-kit/tensor and nothing else: the packed
// tarballs of the two packages are installed offline into a fresh project outside the workspace.
const repo = resolve(import.meta.dirname, '../../..');
const packageDir = (name: string) => join(repo, 'packages', name);
const built = () => ['tensor', 'attention'].every((p) => existsSync(join(packageDir(p), 'dist', 'index.js')) && existsSync(join(packageDir(p), 'dist', 'index.cjs')));

function ensureBuilt(): string | null {
  if (built()) return null;
  try {
    execFileSync('npx', ['turbo', 'run', 'build', '--filter=@transformer-kit/attention...'], { cwd: repo, stdio: 'pipe', timeout: 240_000 });
  } catch (error) {
    return `could not build: ${(error as Error).message.split('\n')[0]}`;
  }
  return built() ? null : 'dist is still missing after the build';
}

const work = mkdtempSync(join(tmpdir(), 'tk-attention-alone-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('installing @transformer-kit/attention alone', () => {
  it('pulls in only @transformer-kit/tensor, and works from ESM and CJS', (ctx) => {
    const problem = ensureBuilt();
    if (problem) {
      console.warn(`skipping the install-alone check: packages/attention or packages/tensor has no dist (${problem}); run npx turbo run build --filter=@transformer-kit/attention...`);
      return ctx.skip();
    }
    const npm = (args: string[], cwd: string) =>
      execFileSync('npm', args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false' } });
    const tarballs = ['tensor', 'attention'].map((p) => join(work, npm(['pack', '--silent', '--pack-destination', work], packageDir(p)).trim().split('\n').pop()!));
    const project = join(work, 'project');
    mkdirSync(project);
    npm(['init', '-y'], project);
    npm(['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', ...tarballs], project);

    const top = readdirSync(join(project, 'node_modules')).filter((n) => !n.startsWith('.'));
    expect(top).toEqual(['@transformer-kit']);
    expect(readdirSync(join(project, 'node_modules', '@transformer-kit')).sort()).toEqual(['attention', 'tensor']);

    const script = `
      const { scaledDotProductAttention } = await import('@transformer-kit/attention');
      const { tensor } = await import('@transformer-kit/tensor');
      const q = tensor([1, 0, 0, 1], [1, 1, 2, 2]);
      const out = scaledDotProductAttention(q, q, q, { causal: true }).output.dataSync();
      console.log(JSON.stringify(Array.from(out).map((x) => +x.toFixed(4))));`;
    writeFileSync(join(project, 'probe.mjs'), script);
    writeFileSync(join(project, 'probe.cjs'), `(async () => {${script}})();`.replace(/await import\('(.+?)'\)/g, "require('$1')"));
    // Query 0 sees only key 0 → v0 = [1, 0]; query 1 sees both with weights softmax([0, 1/√2]).
    const w = 1 / (1 + Math.exp(Math.SQRT1_2));
    const expected = JSON.stringify([1, 0, +w.toFixed(4), +(1 - w).toFixed(4)]);
    expect(execFileSync(process.execPath, ['probe.mjs'], { cwd: project, encoding: 'utf8' }).trim()).toBe(expected);
    expect(execFileSync(process.execPath, ['probe.cjs'], { cwd: project, encoding: 'utf8' }).trim()).toBe(expected);
  }, 300_000);
});
