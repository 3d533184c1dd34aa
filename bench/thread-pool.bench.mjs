// The thread pool's per-run overhead: an EMPTY kernel run over 2 chunks on a 2-thread pool (what a decode step
// pays per split op on top of the work), next to the same call on one thread (the floor) and to a postMessage
// round trip to a worker (the peer: what a pool that sends each call as a message pays). Interleaved rounds.
// NOTE: ThreadPool is internal to @transformer-kit/tensor (the CPU backend owns it), so this bench bundles it from
// the source with esbuild instead of importing the built package.
//   node bench/thread-pool.bench.mjs      writes bench/results/thread-pool.json
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'thread-pool-bench-'));
await build({ entryPoints: [join(root, 'packages/tensor/src/cpu/threads/thread-pool.ts')], bundle: true, format: 'esm', platform: 'neutral', outfile: join(dir, 'pool.mjs'), logLevel: 'silent' });
const { ThreadPool } = await import(pathToFileURL(join(dir, 'pool.mjs')).href);
rmSync(dir, { recursive: true, force: true });

const wabt = await createRequire(import.meta.url)('wabt')();
const wat = `(module (import "env" "memory" (memory 1 65536 shared))
  (func (export "nothing") (param i32 i32 i32) (param $scratch i32) (param $begin i32) (param $end i32))
  ;; busy(iters, …): iters empty loop turns per element of [begin, end) — a chunk long enough for the worker to take
  (func (export "busy") (param $iters i32) (param $scratch i32) (param $begin i32) (param $end i32) (local $k i32)
    (local.set $k (i32.mul (local.get $iters) (i32.sub (local.get $end) (local.get $begin))))
    (block $done (loop $l (br_if $done (i32.eqz (local.get $k))) (local.set $k (i32.sub (local.get $k) (i32.const 1))) (br $l)))))`;
const parsed = wabt.parseWat('empty.wat', wat, { threads: true });
parsed.validate({ threads: true });
const module = new WebAssembly.Module(parsed.toBinary({}).buffer);
const memory = new WebAssembly.Memory({ initial: 8, maximum: 65536, shared: true });
const { nothing: direct, busy } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const pool = ThreadPool.create({ threads: 2, memory, modules: [module], scratch: [65536, 131072] });

// The peer: a worker that answers each message.
const echo = new Worker(`require('worker_threads').parentPort.on('message', (m) => require('worker_threads').parentPort.postMessage(m));`, { eval: true });
const roundTrip = () => new Promise((resolve) => { echo.once('message', resolve); echo.postMessage(1); });

const ROUNDS = 15;
const N = 20_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const ran = () => pool.stats().workersUsed;

// Warm up: start the workers and wait until one took part.
for (let i = 0; i < 400 && ran() === 0; i++) { pool.run(0, 'nothing', [0, 0, 0], 2, 1); await sleep(5); }
const ctl = pool.ctl; // internal: the worker's chunk counter (thread 1's second word) says who ran chunk 1
const workerChunks = () => Atomics.load(ctl, pool.layout.THREADS + 2 * 1 + 1);

// Calibrate `busy` to about 5 µs per element on one thread.
let iters = 1000;
for (;;) {
  const t = performance.now();
  for (let i = 0; i < 1000; i++) busy(iters, 0, 0, 1);
  const us = (performance.now() - t);
  if (us > 2) { iters = Math.max(1, Math.round((iters * 5) / us)); break; }
  iters *= 4;
}

const rows = { directUs: [], poolBackToBackUs: [], workerShareBackToBack: [], poolAfterIdleUs: [], workerShareAfterIdle: [], busyOneChunkDirectUs: [], busyTwoChunksPoolUs: [], workerShareBusy: [], postMessageRoundTripUs: [] };
for (let r = 0; r < ROUNDS; r++) {
  let t = performance.now();
  for (let i = 0; i < N; i++) direct(0, 0, 0, 65536, 0, 2);
  rows.directUs.push(((performance.now() - t) * 1000) / N);

  // Back to back, as the ops of a decode step: the worker is still spinning when the next run starts.
  let w = workerChunks();
  t = performance.now();
  for (let i = 0; i < N; i++) pool.run(0, 'nothing', [0, 0, 0], 2, 1);
  rows.poolBackToBackUs.push(((performance.now() - t) * 1000) / N);
  rows.workerShareBackToBack.push((workerChunks() - w) / N);

  // After 2 ms idle: the worker sleeps in Atomics.wait and must be woken.
  const idle = [];
  w = workerChunks();
  for (let i = 0; i < 50; i++) {
    await sleep(2);
    t = performance.now();
    pool.run(0, 'nothing', [0, 0, 0], 2, 1);
    idle.push((performance.now() - t) * 1000);
  }
  rows.poolAfterIdleUs.push(median(idle));
  rows.workerShareAfterIdle.push((workerChunks() - w) / 50);

  // A 5 µs chunk each: the worker takes chunk 1 while the caller runs chunk 0; pool time − one chunk = the
  // round trip's overhead (publish, wake, claim, done, return).
  t = performance.now();
  for (let i = 0; i < N / 10; i++) busy(iters, 0, 0, 1);
  rows.busyOneChunkDirectUs.push(((performance.now() - t) * 1000) / (N / 10));
  w = workerChunks();
  t = performance.now();
  for (let i = 0; i < N / 10; i++) pool.run(0, 'busy', [iters], 2, 1);
  rows.busyTwoChunksPoolUs.push(((performance.now() - t) * 1000) / (N / 10));
  rows.workerShareBusy.push((workerChunks() - w) / (N / 10));

  const trips = [];
  for (let i = 0; i < 200; i++) {
    t = performance.now();
    await roundTrip();
    trips.push((performance.now() - t) * 1000);
  }
  rows.postMessageRoundTripUs.push(median(trips));
}
await pool.destroy();
await echo.terminate();

const summary = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Number(median(v).toFixed(3))]));
summary.busyRoundTripOverheadUs = Number((summary.busyTwoChunksPoolUs - summary.busyOneChunkDirectUs).toFixed(3));
const result = {
  benchmark: 'thread pool: per-run overhead of an empty kernel split in 2 chunks over 2 threads',
  ours: 'ThreadPool.run (packages/tensor/src/cpu/threads, bundled from source by esbuild): shared control block, chunk 0 on the caller, worker spins 20,000 polls then Atomics.wait',
  peer: 'a worker_threads postMessage round trip (what a pool that messages each call pays), and the same empty wasm call on one thread (the floor)',
  timing: `median over ${ROUNDS} interleaved rounds; back-to-back = mean of ${N} consecutive runs; after idle = median of 50 runs each after a 2 ms sleep; workerShare = fraction of runs whose chunk 1 the worker ran (the caller takes a chunk nobody has started)`,
  node: process.version,
  loadAverage: loadavg().map((x) => Number(x.toFixed(2))), // this machine is shared: figures drift with it
  date: new Date().toISOString(),
  results: summary,
};
writeFileSync(join(root, 'bench/results/thread-pool.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(summary, null, 2));
