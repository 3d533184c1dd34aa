// Builds the published packages with turbo (each package's `tsup`, dependencies first), in the copy.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './run.mjs';
import { cleanEnvironment } from './npm-env.mjs';
import { REPO_ROOT } from './workspace.mjs';

const TURBO = join(REPO_ROOT, 'node_modules', '.bin', 'turbo');

/**
 * Strict: one `turbo run build` over every published package; any failure throws.
 * With `allowPending`: one turbo run per package in dependency order, and a package whose build fails (or
 * whose source is not there yet) is returned as pending instead — so the machinery can be exercised while
 * the packages are being written. CI never passes `allowPending`.
 *
 * @param {string} root  the repository copy (its own node_modules, see temp-copy.mjs)
 * @param {import('./workspace.mjs').WorkspacePackage[]} packages  in dependency order
 * @param {{ allowPending: boolean }} options
 * @returns {Promise<{ ready: typeof packages, pending: { name: string, reason: string }[] }>}
 */
export async function buildPackages(root, packages, { allowPending }) {
  const env = { ...cleanEnvironment(), TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
  if (!allowPending) {
    const filters = packages.map((p) => `--filter=${p.name}`);
    await run(TURBO, ['run', 'build', ...filters, '--output-logs=errors-only'], { cwd: root, env, quiet: false });
    for (const pkg of packages) {
      if (!existsSync(join(pkg.dir, 'dist'))) throw new Error(`${pkg.name}: the build succeeded but left no dist/`);
    }
    return { ready: packages, pending: [] };
  }
  const ready = [];
  const pending = [];
  for (const pkg of packages) {
    const blockedBy = pkg.internalDeps.filter((d) => pending.some((p) => p.name === d));
    if (blockedBy.length) {
      pending.push({ name: pkg.name, reason: `depends on pending ${blockedBy.join(', ')}` });
      continue;
    }
    const result = await run(TURBO, ['run', 'build', `--filter=${pkg.name}`, '--output-logs=errors-only'], { cwd: root, env, allowFailure: true });
    if (result.code === 0 && existsSync(join(pkg.dir, 'dist'))) ready.push(pkg);
    else pending.push({ name: pkg.name, reason: firstError(`${result.stdout}\n${result.stderr}`) });
  }
  return { ready, pending };
}

function firstError(output) {
  const line = output.split('\n').find((l) => /error|Cannot find|No input files|not found/i.test(l));
  return `build failed${line ? `: ${line.trim().slice(0, 160)}` : ''}`;
}
