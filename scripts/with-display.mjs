#!/usr/bin/env node
// Runs a command with an X display: as is when DISPLAY is set, else re-executed under
// `xvfb-run -a -s "-screen 0 1280x1024x24"` (headless GL needs a GLX server; Xvfb gives it Mesa's software
// renderer). Fails loudly when xvfb-run is missing instead of letting the `gl` package fail obscurely.
//   node scripts/with-display.mjs vitest run
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: node scripts/with-display.mjs <command> [args...]');
  process.exit(2);
}
const useXvfb = !process.env.DISPLAY;
if (useXvfb && spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status !== 0) {
  console.error(
    'with-display: DISPLAY is unset and xvfb-run is not installed, so headless GL (the `gl` package) has no X server.\n' +
      'Install it (Debian/Ubuntu: apt-get install xvfb libxi-dev libx11-dev libxext-dev libgl1-mesa-dev pkg-config) or set DISPLAY.',
  );
  process.exit(1);
}
const [command, ...rest] = useXvfb ? ['xvfb-run', '-a', '-s', '-screen 0 1280x1024x24', ...args] : args;
// NOTE: npm scripts put node_modules/.bin on PATH, so `vitest` resolves inside xvfb-run too.
const result = spawnSync(command, rest, { stdio: 'inherit' });
if (result.error) {
  console.error(`with-display: could not run ${command}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
