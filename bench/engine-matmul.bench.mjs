// Issue #13's matmul figures: @transformer-kit/tensor's CPU engine at 1 and 2 threads next to TensorFlow.js's
// wasm backend and a plain JS loop, in one process, samples interleaved. GFLOP/s (2·m·n·k per call, wall clock)
// for 256³, 512³, [64×768]·[768×768] and [1×768]·[768×3072]; the thread counts the engine reports
// (engineStats().threads) and tfjs-wasm's (getThreadsCount()) are recorded beside the figures.
// Bars (issue #13): 256³ at 1 thread ≥ tfjs-wasm, at 2 threads ≥ 2× tfjs-wasm. Beside them, on 256³, two
// 1-thread matmuls at once (this thread and a worker): what two threads of this shared machine give in the run.
// Run: npx turbo run build --filter=@transformer-kit/tensor && node bench/run.mjs engine-matmul
// Writes bench/results/engine-matmul.json. BENCH_RUNS samples per figure (default 7), each >= 100 ms of calls.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createCpuBackend, matmul, setBackend, tensor } from '@transformer-kit/tensor';
import { benchRuns, floats, load, machine, median, round, sample, twoInputSets, warmUp } from './lib-bench.mjs';
import { engineStatsOf } from './lib-engine.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const SAMPLES = benchRuns(7);
const WARM_UP_MS = 300;
const MIN_SAMPLE_MS = 100;
const host = machine();

const shapes = [
  { name: '256³', m: 256, k: 256, n: 256 },
  { name: '512³', m: 512, k: 512, n: 512 },
  { name: '[64×768]·[768×768]', m: 64, k: 768, n: 768 },
  { name: '[1×768]·[768×3072]', m: 1, k: 768, n: 3072 },
];

/** C[m,n] = A[m,k]·B[k,n], the loop order (i, p, j) a careful hand-written JS matmul uses (rows of B streamed). */
function plainMatmul(a, b, m, k, n) {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
  return c;
}

/**
 * Whether tfjs-wasm's threaded build starts in Node, tried in a child process (a failed wasm init leaves tfjs
 * unusable): tfjs disables it in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there, tensorflow/tfjs#3830).
 */
function probeTfjsWasmThreaded() {
  const code = `import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
setWasmPaths(${JSON.stringify(wasmDist())});
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
try { await tf.setBackend('wasm'); await tf.ready(); console.log(JSON.stringify({ ok: true, threads: getThreadsCount() })); }
catch (e) { console.log(JSON.stringify({ ok: false, error: String(e.message ?? e).split('\\n')[0] })); }
process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: join(here, '..'), encoding: 'utf8', timeout: 60_000 });
  const line = `${r.stdout}`.trim().split('\n').pop();
  try {
    const probe = JSON.parse(line);
    if (!probe.ok) probe.error = `${probe.error} ${`${r.stderr}`.match(/\w*Error \[ERR_\w+\][^\n]*/)?.[0] ?? ''}`.trim();
    return probe;
  } catch {
    return { ok: false, error: `probe printed ${JSON.stringify(line)} (exit ${r.status})` };
  }
}

function wasmDist() {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

const threadedProbe = probeTfjsWasmThreaded();
setWasmPaths(wasmDist());
if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed");
await tf.ready();
const tfjsWasmThreads = getThreadsCount();
const tfjsWasmSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');

const engines = [1, 2].map((threads) => ({ requested: threads, backend: createCpuBackend({ threads }) }));

/** The worker of {@link twoAtOnce}: a 1-thread backend of its own, one matmul per generation of ctl[0]. */
const PEER_SOURCE = `
const { workerData } = require('worker_threads');
const { createCpuBackend, matmul, setBackend, tensor } = require(workerData.tensorPath);
const { m, k, n } = workerData.shape;
const ctl = new Int32Array(workerData.control);
setBackend(createCpuBackend({ threads: 1 }));
const a = tensor(workerData.a, [m, k]);
const b = tensor(workerData.b, [k, n]);
Atomics.store(ctl, 2, 1);
Atomics.notify(ctl, 2);
let seen = 0;
for (;;) {
  let g = Atomics.load(ctl, 0);
  while (g === seen) { Atomics.wait(ctl, 0, seen); g = Atomics.load(ctl, 0); }
  if (g < 0) break;
  seen = g;
  matmul(a, b).dispose();
  Atomics.store(ctl, 1, g);
  Atomics.notify(ctl, 1);
}
`;

/**
 * What two threads can reach on this machine in this run (it is shared): two 1-thread matmuls of the same
 * shape at once, one on this thread and one in a worker with its own backend and inputs — no split, no shared
 * packing, no hand-off inside a matmul. Counted as 2·(2·m·n·k) per call: the ceiling for "ours 2 threads".
 * NOTE: both sides sleep in Atomics.wait, never spin: when another process holds the second core, a spinning
 * waiter takes the time slices the other matmul needs (a first version that spun measured 0.4× one matmul).
 */
function twoAtOnce(s, set, backend) {
  const control = new SharedArrayBuffer(16);
  const ctl = new Int32Array(control);
  const worker = new Worker(PEER_SOURCE, {
    eval: true,
    workerData: { tensorPath: require.resolve('@transformer-kit/tensor'), shape: s, control, a: floats(s.m * s.k, 3 + 10 * set), b: floats(s.k * s.n, 4 + 10 * set) },
  });
  while (Atomics.load(ctl, 2) === 0) Atomics.wait(ctl, 2, 0, 50); // the worker has loaded the package
  setBackend(backend);
  const a = tensor(floats(s.m * s.k, 1 + 10 * set), [s.m, s.k]);
  const b = tensor(floats(s.k * s.n, 2 + 10 * set), [s.k, s.n]);
  let gen = 0;
  return {
    run: () => {
      setBackend(backend);
      Atomics.store(ctl, 0, ++gen);
      Atomics.notify(ctl, 0);
      matmul(a, b).dispose();
      for (let done = Atomics.load(ctl, 1); done !== gen; done = Atomics.load(ctl, 1)) Atomics.wait(ctl, 1, done, 50);
    },
    dispose: () => {
      a.dispose();
      b.dispose();
      Atomics.store(ctl, 0, -1);
      Atomics.notify(ctl, 0);
      void worker.terminate();
    },
  };
}

const CEILING = 'two 1-thread matmuls at once (2-thread ceiling)';
/** Implementations measured on one shape only (the ceiling starts a worker per input set: the bar's shape). */
const onlyOn = { [CEILING]: '256³' };

/** Implementations: name → (shape, set) → { run, dispose }. */
const impls = {
  ...Object.fromEntries(engines.map((e) => [`ours ${e.requested} thread${e.requested > 1 ? 's' : ''}`, (s, set) => {
    setBackend(e.backend);
    const a = tensor(floats(s.m * s.k, 1 + 10 * set), [s.m, s.k]);
    const b = tensor(floats(s.k * s.n, 2 + 10 * set), [s.k, s.n]);
    return {
      run: () => {
        setBackend(e.backend);
        matmul(a, b).dispose();
      },
      dispose: () => (a.dispose(), b.dispose()),
    };
  }])),
  'tfjs-wasm': (s, set) => {
    const a = tf.tensor2d(floats(s.m * s.k, 1 + 10 * set), [s.m, s.k]);
    const b = tf.tensor2d(floats(s.k * s.n, 2 + 10 * set), [s.k, s.n]);
    return {
      run: () => {
        const y = tf.matMul(a, b);
        y.dataSync();
        y.dispose();
      },
      dispose: () => tf.dispose([a, b]),
    };
  },
  [CEILING]: (s, set) => twoAtOnce(s, set, engines[0].backend),
  'plain JS loop': (s, set) => {
    const a = floats(s.m * s.k, 1 + 10 * set);
    const b = floats(s.k * s.n, 2 + 10 * set);
    return { run: () => plainMatmul(a, b, s.m, s.k, s.n), dispose: () => {} };
  },
};

const rows = [];
for (const s of shapes) {
  const flops = 2 * s.m * s.k * s.n;
  const runners = Object.entries(impls)
    .filter(([impl]) => (onlyOn[impl] ?? s.name) === s.name)
    .map(([impl, make]) => ({ impl, ...twoInputSets((set) => make(s, set)), wall: [], cpu: [] }));
  for (const r of runners) r.reps = warmUp(r.run, WARM_UP_MS, MIN_SAMPLE_MS);
  const loadBefore = load();
  for (let i = 0; i < SAMPLES; i++) {
    // rotate who goes first each round
    for (const r of runners.map((_, j) => runners[(i + j) % runners.length])) {
      const { wall, cpu } = sample(r.run, r.reps);
      r.wall.push(wall);
      r.cpu.push(cpu);
    }
  }
  const tfjs = flops / median(runners.find((r) => r.impl === 'tfjs-wasm').wall) / 1e9;
  for (const r of runners) {
    r.dispose();
    const gflops = ((r.impl === CEILING ? 2 : 1) * flops) / median(r.wall) / 1e9;
    rows.push({
      shape: s.name,
      impl: r.impl,
      gflops: round(gflops, 2),
      gflopsRuns: r.wall.map((w) => round(((r.impl === CEILING ? 2 : 1) * flops) / w / 1e9, 2)),
      cpuSecondsPerWallSecond: round(median(r.cpu) / median(r.wall), 2),
      vsTfjsWasm: round(gflops / tfjs, 2),
      loadAverage1m: [loadBefore, load()],
    });
  }
  console.log(`${s.name}: ${rows.slice(-runners.length).map((r) => `${r.impl} ${r.gflops}`).join(', ')} GFLOP/s`);
}

const at = (impl) => rows.find((r) => r.shape === '256³' && r.impl === impl);
const threadsRan = engines.map((e) => ({ requested: e.requested, engineStats: engineStatsOf(e.backend) }));
const bars = [
  { bar: 'matmul 256³, 1 thread ≥ tfjs-wasm', measured: at('ours 1 thread').vsTfjsWasm, target: 1 },
  { bar: 'matmul 256³, 2 threads ≥ 2× tfjs-wasm', measured: at('ours 2 threads').vsTfjsWasm, target: 2 },
].map((b) => ({ ...b, unit: '× tfjs-wasm', met: b.measured >= b.target }));
const ceiling = at(CEILING).gflops / at('ours 1 thread').gflops;
if (ceiling < 1.6) {
  // NOTE: the 2-thread bar needs a second core; other processes on this shared machine may hold it
  bars[1].note = `two 1-thread matmuls at once ran at ${round(ceiling, 2)}× one: the second core was not wholly free in this run (other processes), so the 2-thread figure measures the machine as much as the split`;
}

const result = {
  benchmark: 'engine-matmul',
  date: new Date().toISOString(),
  machine: { ...host, loadAverage1mAtEnd: load(), tfjs: tf.version.tfjs },
  threads: {
    ours: threadsRan,
    tfjsWasm: { threads: tfjsWasmThreads, simd: tfjsWasmSimd, threadedBuildInNode: threadedProbe },
    plainLoop: 1,
  },
  method: `GFLOP/s = 2·m·n·k / median wall-clock seconds per call over ${SAMPLES} samples; the implementations' samples interleaved (the order rotating each round), each sample >= ${MIN_SAMPLE_MS} ms of calls after >= ${WARM_UP_MS} ms of warm-up; every implementation alternates two input sets of the same shape. Ours includes making the output tensor; tfjs includes dataSync(). cpuSecondsPerWallSecond: this process's CPU time over wall time (about the number of busy threads). ours "N threads" is createCpuBackend({ threads: N }); engineStats.threads is what the engine ran with. "${CEILING}" (256³ only): one 1-thread matmul on this thread and one in a worker with its own backend and inputs, at once, counted as 2·(2·m·n·k) per call — the most two threads of this (shared) machine gave a matmul in the same run, so scaling.ours2Threads / scaling.ceiling says how much the split itself loses. All in one process with tfjs loaded (tensor.bench found that loading tfjs slows plain JS typed-array loops by about 20%: the plain loop is a reference, not a bar).`,
  bars,
  scaling: {
    shape: '256³',
    ours2Threads: round(at('ours 2 threads').gflops / at('ours 1 thread').gflops, 2),
    ceiling: round(ceiling, 2),
    unit: '× ours 1 thread',
  },
  results: rows,
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'engine-matmul.json'), `${JSON.stringify(result, null, 2)}\n`);
console.table(rows.map(({ gflopsRuns: _runs, loadAverage1m, ...r }) => ({ ...r, load: loadAverage1m.join('→') })));
console.log(JSON.stringify({ threads: result.threads, bars, scaling: result.scaling }, null, 2));
for (const e of engines) e.backend.dispose?.();
process.exit(0); // tfjs-wasm and the engine's workers keep no promise the process must wait for
