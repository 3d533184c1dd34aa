// Child processes for the release scripts: every command is echoed, its output is captured, and a non-zero
// exit throws with the command, its directory and the tail of its output — a release step never fails quietly.
import { spawn } from 'node:child_process';

const TAIL = 6000;
const live = new Set();

/** Sends SIGTERM to every command still running (the rehearsal calls it when it is interrupted). */
export function killChildren() {
  for (const child of live) child.kill('SIGTERM');
}

/**
 * Runs `command args` and resolves with its output. Rejects with a readable error when it exits non-zero
 * (unless `allowFailure`), so callers write the happy path and still fail loudly.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, input?: string, quiet?: boolean, echo?: boolean, allowFailure?: boolean }} [options]
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
export function run(command, args, options = {}) {
  const { cwd = process.cwd(), env = process.env, input, quiet = true, echo = true, allowFailure = false } = options;
  const shown = [command, ...args].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ');
  if (echo) console.log(`  $ ${shown}${cwd === process.cwd() ? '' : `   (in ${cwd})`}`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!quiet) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (!quiet) process.stderr.write(chunk);
    });
    child.on('error', (error) => reject(new Error(`could not start \`${shown}\`: ${error.message}`)));
    child.on('close', (code, signal) => {
      live.delete(child);
      const result = { code: code ?? 1, stdout, stderr };
      if ((code === 0 && !signal) || allowFailure) return resolvePromise(result);
      const tail = `${stdout}\n${stderr}`.trim().slice(-TAIL);
      reject(new Error(`\`${shown}\` failed (${signal ?? `exit code ${code}`}) in ${cwd}\n${tail}`));
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** Parses a command's JSON output, naming the command when it is not JSON. */
export function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} did not print JSON:\n${text.slice(0, 2000)}`);
  }
}
