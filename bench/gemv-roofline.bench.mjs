// Issue #13's decode ceiling: how fast one thread can read memory from WebAssembly SIMD on this machine (a sum over
// a 64 MiB block, with 4 and with 8 accumulators of four lanes), next to how fast the CPU engine's gemv kernel
// streams a random 15M Llama's weights (the 42 matrices a decode step multiplies, 61 MB: dim 288, hidden 768,
// 6 layers, vocab 32000, the classifier alone 37 MB). A decode step of that model reads every weight once, so
// tokens/s at one thread can not pass (read bandwidth) / (weight bytes): the figure this file gives as
// `stepsPerSecondAtRoofline` (the bar of 400 tok/s needs 24.4 GB/s of weights alone).
// The kernel is compiled from packages/tensor/src/cpu/wasm/kernels.wat (the source of the committed module) on
// a shared memory like the engine's heap; runs interleaved, best and median of BENCH_RUNS rounds (default 15).
// Run: node bench/run.mjs gemv-roofline. Writes bench/results/gemv-roofline.json.
/* global console, performance, WebAssembly */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchRuns, load, machine, median, round } from './lib-bench.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const wabt = await createRequire(import.meta.url)('wabt')();
const features = { simd: true, threads: true };
const compile = (name, source) => {
  const parsed = wabt.parseWat(name, source, features);
  parsed.resolveNames();
  parsed.validate(features);
  return new WebAssembly.Module(parsed.toBinary({}).buffer);
};

/** v = Σ over [p, p + bytes) with `accumulators` vectors, 16·accumulators bytes a step (bytes a multiple of that). */
function sumSource(accumulators) {
  const a = [...Array(accumulators).keys()];
  let total = '(local.get $a0)';
  for (const i of a.slice(1)) total = `(f32x4.add ${total} (local.get $a${i}))`;
  return `(func (export "sum${accumulators}") (param $p i32) (param $bytes i32) (result f32)
    (local $e i32) ${a.map((i) => `(local $a${i} v128)`).join(' ')}
    (local.set $e (i32.add (local.get $p) (local.get $bytes)))
    (loop $l
      ${a.map((i) => `(local.set $a${i} (f32x4.add (local.get $a${i}) (v128.load offset=${16 * i} (local.get $p))))`).join('\n      ')}
      (local.set $p (i32.add (local.get $p) (i32.const ${16 * accumulators})))
      (br_if $l (i32.lt_u (local.get $p) (local.get $e))))
    (f32x4.extract_lane 0 ${total}))`;
}

const memory = new WebAssembly.Memory({ initial: 2048, maximum: 65536, shared: true });
const sums = new WebAssembly.Instance(compile('sum.wat', `(module (import "env" "memory" (memory 1 65536 shared))\n${sumSource(4)}\n${sumSource(8)})`), { env: { memory } }).exports;
const kernels = new WebAssembly.Instance(compile('kernels.wat', readFileSync(join(here, '..', 'packages/tensor/src/cpu/wasm/kernels.wat'), 'utf8')), { env: { memory } }).exports;

// x at 1 MiB, y at 2 MiB, scratch at 3 MiB, then the 15M model's matrices in the order a decode step reads them
const X = 1 << 20;
const Y = 2 << 20;
const SCRATCH = 3 << 20;
const [dim, hidden, vocab, layers] = [288, 768, 32000, 6];
const matrices = [];
let at = 4 << 20;
for (let l = 0; l < layers; l++) {
  for (const [n, k] of [[dim, dim], [dim, dim], [dim, dim], [dim, dim], [hidden, dim], [hidden, dim], [dim, hidden]]) {
    matrices.push({ w: at, n, k });
    at += n * k * 4;
  }
}
matrices.push({ w: at, n: vocab, k: dim });
at += vocab * dim * 4;
const weightBytes = at - (4 << 20);
const SUM_BYTES = 64 << 20;
const sumAt = at;
const end = sumAt + SUM_BYTES;
if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
const f32 = new Float32Array(memory.buffer);
let seed = 1;
for (let i = X / 4; i < end / 4; i++) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  f32[i] = seed / 4294967296 - 0.5;
}

const host = machine();
const runs = benchRuns(15);
const tasks = {
  'sum, 4 accumulators, 64 MiB': { bytes: SUM_BYTES, run: () => sums.sum4(sumAt, SUM_BYTES) },
  'sum, 8 accumulators, 64 MiB': { bytes: SUM_BYTES, run: () => sums.sum8(sumAt, SUM_BYTES) },
  'gemv, the 15M decode step (42 matrices, 61 MB)': { bytes: weightBytes, run: () => { for (const { w, n, k } of matrices) kernels.gemv(X, w, Y, n, k, SCRATCH, 0, n); } },
};
const seconds = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]));
for (let r = 0; r < runs + 2; r++) {
  // two unmeasured rounds (V8 tiers the kernels up), then every task once per round, the order rotating
  const names = Object.keys(tasks);
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + r) % names.length];
    const t0 = performance.now();
    tasks[name].run();
    if (r >= 2) seconds[name].push((performance.now() - t0) / 1000);
  }
}
const results = Object.entries(tasks).map(([name, { bytes }]) => {
  const best = Math.min(...seconds[name]);
  const med = median(seconds[name]);
  return { task: name, bytes, gbPerSecond: { best: round(bytes / best / 1e9), median: round(bytes / med / 1e9) } };
});
const roofline = Math.max(...results.slice(0, 2).map((r) => r.gbPerSecond.best));
const gemv = results[2].gbPerSecond;
const result = {
  benchmark: 'gemv-roofline',
  date: new Date().toISOString(),
  machine: { ...host, loadAverage1mAtEnd: load() },
  method: `One thread, one shared WebAssembly memory. Each round reads the 64 MiB block once per sum and multiplies every matrix of the 15M step once (rows ${dim}…${vocab}); ${runs} measured rounds after 2 unmeasured, best and median.`,
  results,
  decode15M: {
    weightBytes,
    stepsPerSecondAtRoofline: round(roofline * 1e9 / weightBytes),
    stepsPerSecondOfGemvAlone: { best: round(gemv.best * 1e9 / weightBytes), median: round(gemv.median * 1e9 / weightBytes) },
    gemvShareOfRoofline: round(gemv.best / roofline, 2),
    bandwidthFor400TokensPerSecond: round(400 * weightBytes / 1e9),
  },
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'gemv-roofline.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify({ results, decode15M: result.decode15M, load: [host.loadAverage1mAtStart, result.machine.loadAverage1mAtEnd] }, null, 2));
