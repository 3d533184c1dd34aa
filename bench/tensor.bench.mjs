// @transformer-kit/tensor's CPU backend next to TensorFlow.js (cpu and wasm backends), measured in the same run:
// matmul GFLOP/s, softmax and layerNorm GB/s, plus a plain single-pass JS loop for softmax/layerNorm.
// Run: npx turbo run build --filter=@transformer-kit/tensor && node bench/run.mjs tensor
// Writes bench/results/tensor.json. Each figure is the median of >= 5 samples (BENCH_SAMPLES, default 7) after
// warm-up; a sample repeats the op until it lasts >= 150 ms, so short ops are not lost in timer noise.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createCpuBackend, layerNorm, matmul, setBackend, softmax, tensor } from '@transformer-kit/tensor';
import { floats, median, sample, twoInputSets, warmUp as warmUpFor } from './lib-bench.mjs';

// NOTE: tfjs is imported only for phase 2. Loading it slows typed-array code in the whole process (measured
// here: −20% for the plain loop, −35% for our layerNorm, with no prototype or V8 protector changed; likely the
// larger heap making each GC dearer), so ours-vs-plain-loop is measured first, alone.
let tf = null;

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 7);
const MIN_SAMPLE_MS = 150;
const WARM_UP_MS = 400;

setBackend(createCpuBackend());
const loadAtStart = os.loadavg()[0];

// ---- the plain JS baselines: what a hand-written loop gets, one pass for the statistics ----
function plainSoftmax(x, rows, n) {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    // online max/sum (one pass), then one pass to write
    let max = -Infinity;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const v = x[base + j];
      if (v > max) {
        sum = sum * Math.exp(max - v) + 1;
        max = v;
      } else sum += Math.exp(v - max);
    }
    const inv = 1 / sum;
    for (let j = 0; j < n; j++) out[base + j] = Math.exp(x[base + j] - max) * inv;
  }
  return out;
}

function plainLayerNorm(x, rows, n, gamma, beta, eps) {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let s = 0;
    let ss = 0;
    for (let j = 0; j < n; j++) {
      const v = x[base + j];
      s += v;
      ss += v * v;
    }
    const mean = s / n;
    const inv = 1 / Math.sqrt(ss / n - mean * mean + eps);
    for (let j = 0; j < n; j++) out[base + j] = (x[base + j] - mean) * inv * gamma[j] + beta[j];
  }
  return out;
}

let wasmPathsSet = false;
async function useTf(backend) {
  if (backend === 'wasm' && !wasmPathsSet) {
    wasmPathsSet = true;
    const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(pathToFileURL(dist).href.replace(/^file:\/\//, ''));
  }
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
}

const matmulShapes = [
  { name: '256³', m: 256, k: 256, n: 256 },
  { name: '512³', m: 512, k: 512, n: 512 },
  { name: '1024³', m: 1024, k: 1024, n: 1024 },
  { name: '[64×768]·[768×768]', m: 64, k: 768, n: 768 },
  { name: '[1×768]·[768×3072]', m: 1, k: 768, n: 3072 },
];

const SOFTMAX = { rows: 64, n: 2048 };
const LAYERNORM = { rows: 64, n: 768 };
const bytesMoved = (elements) => 2 * 4 * elements; // read x + write y, float32

/**
 * Every case with a runner per implementation. A runner is set up once (inputs made on its backend) and
 * returns the timed call. Samples of the implementations are interleaved, so a burst of load from other
 * processes hits them alike and the ratios stay fair even when the absolute figures move.
 */
const cases = [
  ...matmulShapes.map((s) => ({
    op: 'matmul',
    shape: s.name,
    unit: 'GFLOP/s',
    work: 2 * s.m * s.k * s.n,
    ours: (set) => {
      const a = tensor(floats(s.m * s.k, 1 + 10 * set), [s.m, s.k]);
      const b = tensor(floats(s.k * s.n, 2 + 10 * set), [s.k, s.n]);
      return { run: () => matmul(a, b).dispose(), dispose: () => (a.dispose(), b.dispose()) };
    },
    tfjs: (set) => {
      const a = tf.tensor2d(floats(s.m * s.k, 1 + 10 * set), [s.m, s.k]);
      const b = tf.tensor2d(floats(s.k * s.n, 2 + 10 * set), [s.k, s.n]);
      return { run: () => tfRun(() => tf.matMul(a, b)), dispose: () => tf.dispose([a, b]) };
    },
  })),
  {
    op: 'softmax',
    shape: `${SOFTMAX.rows}×${SOFTMAX.n}`,
    unit: 'GB/s',
    work: bytesMoved(SOFTMAX.rows * SOFTMAX.n),
    ours: (set) => {
      const x = tensor(floats(SOFTMAX.rows * SOFTMAX.n, 3 + 10 * set), [SOFTMAX.rows, SOFTMAX.n]);
      return { run: () => softmax(x).dispose(), dispose: () => x.dispose() };
    },
    plain: (set) => {
      const x = floats(SOFTMAX.rows * SOFTMAX.n, 3 + 10 * set);
      return { run: () => plainSoftmax(x, SOFTMAX.rows, SOFTMAX.n), dispose: () => {} };
    },
    tfjs: (set) => {
      const x = tf.tensor2d(floats(SOFTMAX.rows * SOFTMAX.n, 3 + 10 * set), [SOFTMAX.rows, SOFTMAX.n]);
      return { run: () => tfRun(() => tf.softmax(x)), dispose: () => x.dispose() };
    },
  },
  {
    op: 'layerNorm',
    shape: `${LAYERNORM.rows}×${LAYERNORM.n}`,
    unit: 'GB/s',
    work: bytesMoved(LAYERNORM.rows * LAYERNORM.n),
    ours: (set) => {
      // the same values as the plain loop and tfjs get
      const x = tensor(floats(LAYERNORM.rows * LAYERNORM.n, 4 + 10 * set), [LAYERNORM.rows, LAYERNORM.n]);
      const g = tensor(floats(LAYERNORM.n, 5 + 10 * set), [LAYERNORM.n]);
      const b = tensor(floats(LAYERNORM.n, 6 + 10 * set), [LAYERNORM.n]);
      return { run: () => layerNorm(x, g, b, 1e-5).dispose(), dispose: () => [x, g, b].forEach((t) => t.dispose()) };
    },
    plain: (set) => {
      const [x, g, b] = [floats(LAYERNORM.rows * LAYERNORM.n, 4 + 10 * set), floats(LAYERNORM.n, 5 + 10 * set), floats(LAYERNORM.n, 6 + 10 * set)];
      return { run: () => plainLayerNorm(x, LAYERNORM.rows, LAYERNORM.n, g, b, 1e-5), dispose: () => {} };
    },
    tfjs: (set) => {
      // tfjs has no layerNorm op: moments + batchNorm is how tfjs-layers' LayerNormalization computes it
      const x = tf.tensor2d(floats(LAYERNORM.rows * LAYERNORM.n, 4 + 10 * set), [LAYERNORM.rows, LAYERNORM.n]);
      const g = tf.tensor2d(floats(LAYERNORM.n, 5 + 10 * set), [1, LAYERNORM.n]);
      const b = tf.tensor2d(floats(LAYERNORM.n, 6 + 10 * set), [1, LAYERNORM.n]);
      return {
        run: () =>
          tfRun(() => {
            const { mean, variance } = tf.moments(x, -1, true);
            return tf.batchNorm(x, mean, variance, b, g, 1e-5);
          }),
        dispose: () => tf.dispose([x, g, b]),
      };
    },
  },
];

/** Runs a tfjs computation to a host result (tfjs cpu/wasm are synchronous; dataSync makes sure). */
function tfRun(fn) {
  const y = tf.tidy(fn);
  y.dataSync();
  y.dispose();
}

const only = process.env.BENCH_ONLY; // e.g. BENCH_ONLY=layerNorm to measure one op while working on it
const selected = cases.filter((x) => !only || x.op === only);
const rows = [];

/** Measures the implementations of one case with interleaved samples; adds a row per implementation. */
async function measureCase(c, impls, phase) {
  const runners = [];
  for (const i of impls) {
    if (i.tf) await useTf(i.tf);
    runners.push({ ...i, ...twoInputSets(i.make), wall: [], cpu: [] });
  }
  for (const r of runners) {
    if (r.tf) await useTf(r.tf);
    r.reps = warmUpFor(r.run, WARM_UP_MS, MIN_SAMPLE_MS);
  }
  for (let s = 0; s < SAMPLES; s++) {
    // rotate who goes first each round: the first sample after another library's run pays for its garbage
    for (const r of runners.map((_, i) => runners[(i + s) % runners.length])) {
      if (r.tf) await useTf(r.tf);
      const { wall, cpu } = sample(r.run, r.reps);
      r.wall.push(wall);
      r.cpu.push(cpu);
    }
  }
  for (const r of runners) {
    if (r.tf) await useTf(r.tf);
    r.dispose();
    const seconds = median(r.wall);
    rows.push({ phase, op: c.op, shape: c.shape, impl: r.impl, unit: c.unit, seconds, value: c.work / seconds / 1e9, cpuValue: c.work / median(r.cpu) / 1e9 });
  }
  console.log(`measured ${c.op} ${c.shape} (${phase})`);
}

// ---- phase 1: ours next to the plain loop, before tfjs is loaded ----
const OURS = 'transformer-kit cpu';
const PLAIN = 'plain JS single-pass loop';
for (const c of selected.filter((x) => x.plain)) {
  await measureCase(c, [{ impl: OURS, make: c.ours }, { impl: PLAIN, make: c.plain }], 'alone');
}

// ---- phase 2: ours next to TensorFlow.js (cpu, wasm) in the same process ----
tf = await import('@tensorflow/tfjs');
const tfBackends = [];
for (const backend of ['cpu', 'wasm']) {
  try {
    await useTf(backend);
    tfBackends.push(backend);
  } catch (error) {
    console.warn(`@tensorflow/tfjs ${backend} unavailable: ${error.message}`);
  }
}
for (const c of selected) {
  await measureCase(c, [{ impl: OURS, make: c.ours }, ...tfBackends.map((b) => ({ impl: `@tensorflow/tfjs ${b}`, make: c.tfjs, tf: b }))], 'with tfjs');
}

// ---- ratios vs tfjs cpu (and the plain loop), a table, the JSON ----
const find = (r, impl) => rows.find((x) => x.phase === r.phase && x.op === r.op && x.shape === r.shape && x.impl === impl);
for (const r of rows) {
  const tfCpu = find(r, '@tensorflow/tfjs cpu');
  r.vsTfjsCpu = tfCpu ? r.value / tfCpu.value : null;
  const plain = find(r, PLAIN);
  r.vsPlainLoop = plain ? r.value / plain.value : null;
}
const cpus = os.cpus();
const result = {
  benchmark: 'tensor',
  date: new Date().toISOString(),
  machine: {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    loadAverage1mAtStart: loadAtStart,
    loadAverage1mAtEnd: os.loadavg()[0],
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    tfjs: tf.version.tfjs,
  },
  method: `phase 'alone': ours and the plain JS loop, before tfjs is imported; phase 'with tfjs': ours, tfjs cpu and tfjs wasm in one process (ratios are taken within a phase). Median of ${SAMPLES} samples after >= ${WARM_UP_MS} ms of warm-up calls, the implementations' samples interleaved; a sample repeats the op for >= ${MIN_SAMPLE_MS} ms. Every implementation alternates between two input sets of the same shape on successive calls (with one fixed set V8 compiled the plain loops against constant arrays, which no library function sees). value: from wall-clock time; cpuValue: from this process's CPU time (less sensitive to other processes on the machine). GB/s counts float32 reads of x and writes of y. Every figure includes producing the output on the host (tfjs: dataSync()).`,
  targets: { matmulVsTfjsCpu: 3, softmaxAndLayerNormVsTfjsCpu: 10, softmaxAndLayerNormVsPlainLoop: 1 },
  results: rows.map((r) => ({
    ...r,
    value: Number(r.value.toFixed(3)),
    cpuValue: Number(r.cpuValue.toFixed(3)),
    seconds: Number(r.seconds.toPrecision(4)),
    vsTfjsCpu: r.vsTfjsCpu && Number(r.vsTfjsCpu.toFixed(2)),
    vsPlainLoop: r.vsPlainLoop && Number(r.vsPlainLoop.toFixed(2)),
  })),
};
// NOTE: a partial run (BENCH_ONLY) never overwrites the full results file.
const outFile = join(here, 'results', only ? `tensor.${only}.partial.json` : 'tensor.json');
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');

console.log(`${result.machine.cpuModel} × ${result.machine.cpus}, node ${result.machine.node}, tfjs ${result.machine.tfjs}, load ${loadAtStart.toFixed(2)} → ${result.machine.loadAverage1mAtEnd.toFixed(2)}`);
console.table(
  rows.map((r) => ({
    phase: r.phase,
    op: r.op,
    shape: r.shape,
    impl: r.impl,
    value: `${r.value.toFixed(2)} ${r.unit}`,
    'by cpu time': `${r.cpuValue.toFixed(2)}`,
    'vs tfjs cpu': r.vsTfjsCpu ? `${r.vsTfjsCpu.toFixed(2)}×` : '',
    'vs plain loop': r.vsPlainLoop ? `${r.vsPlainLoop.toFixed(2)}×` : '',
  })),
);
console.log(`wrote ${outFile}`);
