// Benches that open headless GL need an X display: re-executes the calling script under xvfb-run when DISPLAY is
// unset (and exits with its status), so `node bench/<name>.bench.mjs` and `npm run bench` work on a bare machine.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Returns when a display exists; else runs `scriptUrl` again under xvfb-run and exits with its status. */
export function ensureDisplay(scriptUrl) {
  if (process.env.DISPLAY) return;
  if (spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status !== 0) {
    console.error(`${fileURLToPath(scriptUrl)}: DISPLAY is unset and xvfb-run is missing (apt-get install xvfb)`);
    process.exit(1);
  }
  const r = spawnSync('xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', process.execPath, ...process.execArgv, fileURLToPath(scriptUrl), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
