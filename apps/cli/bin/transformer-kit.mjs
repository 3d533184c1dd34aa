#!/usr/bin/env node
// The `transformer-kit` command's entry. It is committed (not built) so that npm links it into
// node_modules/.bin when `npm ci` runs in a fresh clone, before anything is built: npm skips a bin whose
// file does not exist yet, and `npx transformer-kit` then asks the public registry. It runs the built CLI,
// building it first inside the repository (turbo), or says what to do.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
if (!existsSync(built)) {
  const repo = fileURLToPath(new URL('../../../', import.meta.url));
  const turbo = fileURLToPath(new URL('../../../node_modules/turbo/bin/turbo', import.meta.url));
  if (!existsSync(fileURLToPath(new URL('../src/bin.ts', import.meta.url))) || !existsSync(turbo)) {
    process.stderr.write(`transformer-kit: ${built} is missing: build the CLI first (npx turbo run build --filter=@transformer-kit/cli... at the repository root)\n`);
    process.exit(1);
  }
  process.stderr.write('transformer-kit: building the CLI and the packages it uses (once)...\n');
  // stdout of the build goes to stderr, so the command's own stdout stays clean for pipes and --json.
  const build = spawnSync(process.execPath, [turbo, 'run', 'build', '--filter=@transformer-kit/cli...', '--output-logs=errors-only'], { cwd: repo, stdio: ['ignore', 2, 2] });
  if (build.status !== 0 || !existsSync(built)) {
    process.stderr.write(`transformer-kit: the build failed (exit ${build.status}); run npx turbo run build --filter=@transformer-kit/cli... to see why\n`);
    process.exit(1);
  }
}
await import(pathToFileURL(built).href);
