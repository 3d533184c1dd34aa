// A real npm registry on 127.0.0.1 for the release rehearsal: Verdaccio, started from the repository's
// .verdaccio/config.yaml copied into a temporary folder (so its storage and htpasswd live and die there).
import { spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from './workspace.mjs';

const VERDACCIO = join(REPO_ROOT, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
const CONFIG = join(REPO_ROOT, '.verdaccio', 'config.yaml');

/** A port the kernel just handed out on 127.0.0.1 (free at the time of asking). */
export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/**
 * Starts Verdaccio on 127.0.0.1 with its storage under `workDir`, waits until it answers /-/ping, creates a
 * user through the registry API and returns the URL, the token and `stop()`.
 *
 * @param {string} workDir  an empty temporary folder
 */
export async function startRegistry(workDir) {
  mkdirSync(workDir, { recursive: true });
  const config = join(workDir, 'config.yaml');
  copyFileSync(CONFIG, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const logFile = join(workDir, 'verdaccio.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [VERDACCIO, '--config', config, '--listen', `127.0.0.1:${port}`], {
    cwd: workDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  const exitPromise = new Promise((resolvePromise) => child.on('exit', (code, signal) => resolvePromise((exited = { code, signal }))));

  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exitPromise;
    clearTimeout(timer);
  };
  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-3000);
    } catch {
      return '';
    }
  };

  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error(`verdaccio exited during startup (${JSON.stringify(exited)}):\n${logTail()}`);
      if (Date.now() > deadline) throw new Error(`verdaccio did not answer ${url}-/ping within 60 s:\n${logTail()}`);
      try {
        const response = await fetch(`${url}-/ping`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const token = await createUser(url, 'rehearsal', `rehearsal-${process.pid}-${Date.now()}`);
    return { url, port, token, pid: child.pid, logFile, stop, logTail };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Creates a user with the CouchDB-style endpoint `npm adduser` uses and returns its bearer token. */
async function createUser(url, name, password) {
  const response = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password, type: 'user', roles: [], date: new Date().toISOString() }),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`creating the registry user failed: HTTP ${response.status} ${body}`);
  const { token } = JSON.parse(body);
  if (!token) throw new Error(`the registry created the user but returned no token: ${body}`);
  return token;
}
