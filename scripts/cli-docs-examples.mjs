#!/usr/bin/env node
/**
 * Runs every command example of docs/cli.md as a user would right after `bash scripts/setup.sh` in a fresh
 * clone: through `npx --no-install transformer-kit` at the repository root (the committed launcher
 * apps/cli/bin/transformer-kit.mjs, which npm links at `npm ci` and which builds the CLI on its first run).
 * A command is a line of a ```bash block that starts with `transformer-kit` or `xvfb-run -a transformer-kit`
 * (a line ending in `\` continues on the next); lines with `<placeholders>` are usage patterns, not examples.
 * A line of text fed to a command's stdin is written as `printf '...' | transformer-kit ...`.
 *
 *   node scripts/cli-docs-examples.mjs          # run them all, exit 1 if one fails
 *   node scripts/cli-docs-examples.mjs --list   # print the commands that would run
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fencedBlocks, repoRoot } from './docs-examples.mjs';

/** The commands of docs/cli.md's bash blocks, each as one line. */
export function cliExamples(markdown) {
  const commands = [];
  for (const block of fencedBlocks(markdown)) {
    if (!/^(bash|sh|shell)\b/.test(block.info.trim())) continue;
    const lines = block.code.replace(/\\\n\s*/g, '').split('\n').map((l) => l.trim());
    for (const line of lines) {
      if (line.startsWith('#') || line.includes('<') || !/^(xvfb-run -a |printf .*\| )?transformer-kit\b/.test(line)) continue;
      commands.push(line);
    }
  }
  return commands;
}

function main() {
  const commands = cliExamples(readFileSync(join(repoRoot, 'docs', 'cli.md'), 'utf8'));
  if (commands.length === 0) throw new Error('docs/cli.md has no transformer-kit examples: the parser or the page is broken');
  let failed = 0;
  for (const command of commands) {
    const viaNpx = command.replace(/(^|\| |-a )transformer-kit\b/, '$1npx --no-install transformer-kit');
    if (process.argv.includes('--list')) {
      console.log(viaNpx);
      continue;
    }
    console.log(`$ ${viaNpx}`);
    const run = spawnSync('bash', ['-o', 'pipefail', '-c', viaNpx], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
    const out = `${run.stdout ?? ''}`.trim().split('\n');
    console.log(out.slice(0, 6).map((l) => `  | ${l}`).join('\n') + (out.length > 6 ? `\n  | … (${out.length - 6} more lines)` : ''));
    if (run.status !== 0) {
      failed++;
      console.log(`  ✗ exit ${run.status ?? run.signal}\n${`${run.stderr}`.trim().split('\n').slice(-8).map((l) => `  ! ${l}`).join('\n')}`);
    }
  }
  if (!process.argv.includes('--list')) console.log(`\ncli docs examples: ${commands.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main();
