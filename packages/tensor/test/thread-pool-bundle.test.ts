import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threadPoolTestWasm } from './thread-pool-wat';

// The pool as a consumer gets it: bundled by esbuild (what tsup runs) as ESM and as CJS, and for the browser.
// A child `node` runs a pool WITHOUT destroy(): the process must end on its own (the workers are unref'd).

const entry = join(__dirname, '..', 'src', 'cpu', 'threads', 'thread-pool.ts');
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'thread-pool-bundle-'));
  writeFileSync(join(dir, 'test.wasm'), await threadPoolTestWasm());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The child's script: a 2-thread pool, runs until a worker took part, then prints its stats and returns. */
function script(importLine: string): string {
  return `${importLine}
const { readFileSync } = require('node:fs');
if (process.argv[3] === 'old-node') delete process.getBuiltinModule; // Node < 20.16: worker_threads comes by import()
const wasm = new WebAssembly.Module(readFileSync(process.argv[2]));
const memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true });
const pool = ThreadPool.create({ threads: 2, memory, modules: [wasm], scratch: [65536, 131072] });
const n = 10000, out = 4 * 65536, counts = 6 * 65536, who = 8 * 65536;
(async () => {
  let runs = 0;
  for (let i = 0; i < 200 && pool.stats().workersUsed === 0; i++, runs++) {
    pool.run(0, 'fill', [out, counts, who, 0.5, 300], n, 1);
    await new Promise((r) => setTimeout(r, 20));
  }
  const c = new Int32Array(memory.buffer, counts, n);
  console.log(JSON.stringify({ ...pool.stats(), runs, minCount: Math.min(...c), maxCount: Math.max(...c) }));
})(); // no destroy(): the process must still exit
`;
}

function runChild(file: string, node: string) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [file, join(dir, 'test.wasm'), node], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, signal: r.signal, stderr: r.stderr, ms: Date.now() - started, stats: r.status === 0 ? JSON.parse(r.stdout) : null };
}

describe('ThreadPool as bundled', () => {
  it.each([
    ['esm', 'new-node'],
    ['cjs', 'new-node'],
    ['esm', 'old-node'],
    ['cjs', 'old-node'],
  ] as const)('%s, %s: a Node process using a pool it never destroyed exits on its own', async (format, node) => {
    const ext = format === 'esm' ? 'mjs' : 'cjs';
    await build({ entryPoints: [entry], bundle: true, format, platform: 'neutral', target: 'es2022', outfile: join(dir, `pool.${ext}`), logLevel: 'silent' });
    const importLine =
      format === 'esm'
        ? `import { ThreadPool } from './pool.mjs';\nimport { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);`
        : `const { ThreadPool } = require('./pool.cjs');`;
    writeFileSync(join(dir, `main.${ext}`), script(importLine));
    const r = runChild(join(dir, `main.${ext}`), node);
    expect(r.stderr).toBe('');
    expect([r.status, r.signal]).toEqual([0, null]); // a hang ends in spawnSync's timeout (SIGTERM)
    expect(r.stats).toMatchObject({ threads: 2, workersUsed: 1 });
    expect([r.stats.minCount, r.stats.maxCount]).toEqual([r.stats.runs, r.stats.runs]); // every element once per run
    // Every run split in two chunks — but an old Node's first run, before import() resolved, runs on one thread.
    expect(r.stats.parallelRuns).toBe(node === 'new-node' ? r.stats.runs : r.stats.runs - 1);
  });

  it.runIf(process.platform === 'linux').each(['destroy', 'gc'] as const)('%s: the workers end (Linux: threads in /proc/self/status)', async (how) => {
    await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', outfile: join(dir, 'pool.mjs'), logLevel: 'silent' });
    writeFileSync(
      join(dir, 'gc.mjs'),
      `import { ThreadPool } from './pool.mjs';
import { readFileSync } from 'node:fs';
const threads = () => Number(/Threads:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const wasm = new WebAssembly.Module(readFileSync(process.argv[2]));
const memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true });
const before = threads();
let pool = ThreadPool.create({ threads: 3, memory, modules: [wasm], scratch: [65536, 131072, 196608] });
for (let i = 0; i < 200 && pool.stats().workersUsed < 2; i++) {
  pool.run(0, 'fill', [4 * 65536, 6 * 65536, 8 * 65536, 0.5, 300], 10000, 1);
  await sleep(20);
}
const used = pool.stats().workersUsed;
const during = threads();
if (process.argv[3] === 'destroy') await pool.destroy();
pool = null;
let after = during;
for (let i = 0; i < 100 && after > before; i++) {
  if (process.argv[3] === 'gc') globalThis.gc(); // a pool collected without destroy() ends its workers too
  await sleep(50);
  after = threads();
}
console.log(JSON.stringify({ before, during, after, used }));
`,
    );
    const r = spawnSync(process.execPath, ['--expose-gc', join(dir, 'gc.mjs'), join(dir, 'test.wasm'), how], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    const t = JSON.parse(r.stdout);
    expect(t.used).toBe(2);
    expect(t.during).toBeGreaterThanOrEqual(t.before + 2); // two workers' threads
    expect(t.after).toBe(t.before);
  });

  it('bundles for the browser: no static node: import anywhere in the pool', async () => {
    // esbuild refuses a static import of a Node builtin for platform 'browser' (and Vite would stub it).
    const r = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
    const code = r.outputFiles[0].text;
    expect(code).not.toMatch(/^import .*from\s*['"]node:/m);
    expect(code).toContain('node:worker_threads'); // loaded at run time, in Node only
  });
});
