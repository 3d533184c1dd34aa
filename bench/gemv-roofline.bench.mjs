// Issue #13's decode ceiling. A random 15M Llama (dim 288, hidden 768, 6 layers, vocab 32000, shared classifier)
// multiplies 42 matrices per decode step, 61 MB of float32 that do not fit in the caches, so one thread's tokens/s
// can not pass (read bandwidth) / (weight bytes); the bar of 400 tok/s needs 24.3 GB/s of weights alone. This file
// measures, interleaved in one run:
//  - the read roofline of one WebAssembly thread: sums over a 64 MiB block with 2, 4 and 8 accumulators of four
//    lanes, 1, 2 and 4 blocks of them a loop step, over 1, 2, 4 or 8 streams (the block's parts read side by
//    side; the gemv reads eight), on a shared memory (what the engine's heap is whenever SharedArrayBuffer
//    exists, at any thread count) and a non-shared one;
//  - the engine's gemv kernel (packages/tensor/src/cpu/wasm/kernels.wat, the source of the committed module) on
//    the 15M step's matrices, on both kinds of memory;
//  - three sums (one stream, and eight as the gemv reads) and the gemv again on a shared memory advised into
//    transparent huge pages before it was written (adviseHugePages from the built @transformer-kit/tensor/node,
//    as the engine's heap is in the CLI): rows ending "in huge pages"; left out where the helper cannot ask
//    (machine.hugePages says why);
//  - native C on the same machine when a C compiler is installed (bench/native/stream-read.c, cc -O3 -march=native
//    -ffast-math): sums with SSE and AVX2 and run.c's matmul loop over the same 42 matrices, one process per round;
//  - the engine's real 15M decode step at one thread (greedy, positions 1-128 as engine-generate decodes them)
//    alternating step by step with the gemv kernel over the bench's own copy of the matrices: what the step
//    spends outside the gemv (attention, norms, RoPE, the argmax, JavaScript) is the difference. Needs the built
//    packages (npx turbo run build --filter=@transformer-kit/transformer...); skipped with a note without them.
// Best and median over BENCH_RUNS rounds (default 15) after 2 unmeasured; a round times each WebAssembly row 4 times,
// each native row 8 times and 32 decode steps. This machine is shared: best is what the
// hardware does when nobody else holds the memory bus, medians show the load (recorded at start and end).
// Run: node bench/run.mjs gemv-roofline. Writes bench/results/gemv-roofline.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchRuns, load, machine, median, round } from './lib-bench.mjs';
import { compileNative } from './lib-native.mjs';
import { readWatSource } from '../scripts/wat-source.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const wabt = await createRequire(import.meta.url)('wabt')();
const features = { simd: true, threads: true };
const compile = (name, source) => {
  const parsed = wabt.parseWat(name, source, features);
  parsed.resolveNames();
  parsed.validate(features);
  return new WebAssembly.Module(parsed.toBinary({}).buffer);
};
const unshared = (source) => source.replace(/\(memory 1 65536 shared\)/, '(memory 1 65536)');

/**
 * `sum_a<acc>_u<unroll>_s<streams>`(p, bytes): Σ over [p, p + bytes) with `acc` vector accumulators, `unroll`
 * blocks of acc loads a loop step per stream, `streams` parts of the block read side by side.
 */
function sumSource(acc, unroll, streams) {
  const a = [...Array(acc).keys()];
  const s = [...Array(streams).keys()];
  const stride = 16 * acc * unroll;
  let total = '(local.get $a0)';
  for (const i of a.slice(1)) total = `(f32x4.add ${total} (local.get $a${i}))`;
  const loads = [];
  for (let u = 0; u < unroll; u++) {
    for (const i of a) for (const j of s) loads.push(`(local.set $a${i} (f32x4.add (local.get $a${i}) (v128.load offset=${16 * (u * acc + i)} (local.get $p${j}))))`);
  }
  return `(func (export "sum_a${acc}_u${unroll}_s${streams}") (param $p i32) (param $bytes i32) (result f32)
    (local $e i32) ${s.map((j) => `(local $p${j} i32)`).join(' ')} ${a.map((i) => `(local $a${i} v128)`).join(' ')}
    (local.set $bytes (i32.div_u (local.get $bytes) (i32.const ${streams})))
    ${s.map((j) => `(local.set $p${j} (i32.add (local.get $p) (i32.mul (local.get $bytes) (i32.const ${j}))))`).join(' ')}
    (local.set $e (i32.add (local.get $p) (local.get $bytes)))
    (loop $l
      ${loads.join('\n      ')}
      ${s.map((j) => `(local.set $p${j} (i32.add (local.get $p${j}) (i32.const ${stride})))`).join(' ')}
      (br_if $l (i32.lt_u (local.get $p0) (local.get $e))))
    (f32x4.extract_lane 0 ${total}))`;
}
const SUMS = [[2, 1, 1], [4, 1, 1], [8, 1, 1], [4, 2, 1], [4, 4, 1], [8, 2, 1], [4, 1, 2], [8, 1, 2], [4, 1, 4], [2, 1, 8], [4, 1, 8]];
const sumModule = `(module (import "env" "memory" (memory 1 65536 shared))\n${SUMS.map((v) => sumSource(...v)).join('\n')})`;
const kernelsWat = readWatSource(join(here, '..', 'packages/tensor/src/cpu/wasm/kernels.wat')); // with its kernels/*.wat parts

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

// The engine's heap asks Linux for huge pages (@transformer-kit/tensor/node's adviseHugePages, as the CLI makes its
// backend); a memory here is advised the same way, before it is written, when `advise` is set. Needs the built tensor
// package; without it the advised rows are left out and hugePages says why.
let adviseHugePages = null;
let hugePages;
try {
  const node = await import('@transformer-kit/tensor/node');
  hugePages = node.hugePageSupport();
  if (hugePages.available) adviseHugePages = node.adviseHugePages;
} catch (error) {
  hugePages = { available: false, detail: `the built @transformer-kit/tensor is missing: ${error.message}` };
}

/** One memory (shared or not, advised into huge pages or not) with the matrices and the sum block filled, and both modules on it. */
function setUp(shared, advise = false) {
  const memory = new WebAssembly.Memory({ initial: Math.ceil(end / 65536), maximum: 65536, shared });
  const advisedBytes = advise ? adviseHugePages(memory, 0) : 0;
  const f32 = new Float32Array(memory.buffer);
  let seed = 1;
  for (let i = X / 4; i < end / 4; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    f32[i] = seed / 4294967296 - 0.5;
  }
  const patch = shared ? (s) => s : unshared;
  const sums = new WebAssembly.Instance(compile('sum.wat', patch(sumModule)), { env: { memory } }).exports;
  const kernels = new WebAssembly.Instance(compile('kernels.wat', patch(kernelsWat)), { env: { memory } }).exports;
  return { sums, kernels, advisedBytes, gemvStep: () => { for (const { w, n, k } of matrices) kernels.gemv(X, w, Y, n, k, SCRATCH, 0, n); } };
}
const sharedMem = setUp(true);
const plainMem = setUp(false);
const hugeMem = adviseHugePages ? setUp(true, true) : null;

const tasks = {};
for (const [acc, unroll, streams] of SUMS) {
  const name = `sum_a${acc}_u${unroll}_s${streams}`;
  tasks[`wasm sum, ${acc} accumulators, ${unroll}×${acc} loads a step, ${streams} stream${streams > 1 ? 's' : ''}, shared memory`] = { bytes: SUM_BYTES, run: () => sharedMem.sums[name](sumAt, SUM_BYTES) };
}
for (const acc of [4, 8]) tasks[`wasm sum, ${acc} accumulators, 1×${acc} loads a step, 1 stream, non-shared memory`] = { bytes: SUM_BYTES, run: () => plainMem.sums[`sum_a${acc}_u1_s1`](sumAt, SUM_BYTES) };
tasks['wasm gemv (kernels.wat), the 15M decode step (42 matrices, 61 MB), shared memory'] = { bytes: weightBytes, run: sharedMem.gemvStep };
tasks['wasm gemv (kernels.wat), the 15M decode step (42 matrices, 61 MB), non-shared memory'] = { bytes: weightBytes, run: plainMem.gemvStep };
if (hugeMem) {
  for (const [acc, streams] of [[4, 1], [8, 1], [4, 8]]) {
    tasks[`wasm sum, ${acc} accumulators, 1×${acc} loads a step, ${streams} stream${streams > 1 ? 's' : ''}, shared memory in huge pages`] = { bytes: SUM_BYTES, run: () => hugeMem.sums[`sum_a${acc}_u1_s${streams}`](sumAt, SUM_BYTES) };
  }
  tasks['wasm gemv (kernels.wat), the 15M decode step (42 matrices, 61 MB), shared memory in huge pages'] = { bytes: weightBytes, run: hugeMem.gemvStep };
}

// cc -O3 -march=native -ffast-math: what llama2.c's `make runfast` uses
const native = compileNative('stream-read.c', ['-O3', '-march=native', '-ffast-math']);
const decode = await decodeSetUp();

const host = machine();
const runs = benchRuns(15);
const PASSES = 4; // WebAssembly rows per round (the native process times its rows 8 times, the decode 32 steps)
const seconds = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]));
const nativeSeconds = {};
const decodeSeconds = { step: [], gemv: [] };
for (let r = 0; r < runs + 2; r++) {
  // every task once per round, the order rotating; then a native round and a stretch of decode steps
  const names = Object.keys(tasks);
  for (let pass = 0; pass < PASSES; pass++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r + pass) % names.length];
      const t0 = performance.now();
      tasks[name].run();
      if (r >= 2) seconds[name].push((performance.now() - t0) / 1000);
    }
  }
  if (native.binary) {
    const out = JSON.parse(execFileSync(native.binary, [String(r)], { encoding: 'utf8' }));
    native.bytes = out.bytes;
    delete out.bytes;
    if (r >= 2) for (const [name, list] of Object.entries(out)) (nativeSeconds[name] ??= []).push(...list);
  }
  if (decode.run) decode.run(r >= 2 ? decodeSeconds : null);
}

const figure = (bytes, list) => ({ best: round(bytes / Math.min(...list) / 1e9), median: round(bytes / median(list) / 1e9) });
const results = Object.entries(tasks).map(([task, { bytes }]) => ({ task, bytes, gbPerSecond: figure(bytes, seconds[task]) }));
const nativeResults = Object.entries(nativeSeconds).map(([task, list]) => {
  const bytes = task.includes('gemv') ? native.bytes.gemv : native.bytes.sum;
  return { task, bytes, gbPerSecond: figure(bytes, list) };
});
const wasmSums = results.filter((r) => r.task.startsWith('wasm sum'));
const bestOf = (rows) => rows.reduce((a, b) => (b.gbPerSecond.best > a.gbPerSecond.best ? b : a));
const wasmRoof = bestOf(wasmSums);
const gemv = results.find((r) => r.task.includes('gemv') && r.task.endsWith(', shared memory')).gbPerSecond;
const gemvHuge = results.find((r) => r.task.includes('gemv') && r.task.endsWith(', shared memory in huge pages'))?.gbPerSecond ?? null;
const nativeSums = nativeResults.filter((r) => r.task.startsWith('native sum'));
const perSecond = (list) => ({ best: round(1 / Math.min(...list)), median: round(1 / median(list)) });
const result = {
  benchmark: 'gemv-roofline',
  date: new Date().toISOString(),
  machine: { ...host, loadAverage1mAtEnd: load(), hugePages: { ...hugePages, advisedBytes: hugeMem?.advisedBytes ?? 0 } },
  method: `One thread. Each round reads the 64 MiB block ${PASSES} times per sum and multiplies every matrix of the 15M step ${PASSES} times per gemv row (rows ${dim}…${vocab}), the order rotating; then one process of bench/native/stream-read.c (an unmeasured pass, then 8 timed of each row); then ${decode.steps ?? 0} decode steps of the engine (its heap advised into huge pages as the CLI's is, when it can be), each followed by one gemv step over the bench's matrices (in huge pages too, when it can be). ${runs} measured rounds after 2 unmeasured; best and median.`,
  compiler: native.compiler,
  results: [...results, ...nativeResults],
  decodeStep15M: decode.run
    ? {
        engineStats: decode.backend.engineStats(),
        heapShared: decode.heapShared,
        stepsPerSecond: perSecond(decodeSeconds.step),
        gemvStepAlonePerSecond: perSecond(decodeSeconds.gemv),
        msOutsideGemv: { best: round((Math.min(...decodeSeconds.step) - Math.min(...decodeSeconds.gemv)) * 1000, 2), median: round((median(decodeSeconds.step) - median(decodeSeconds.gemv)) * 1000, 2) },
      }
    : { skipped: decode.skipped },
  decode15M: {
    weightBytes,
    bandwidthFor400TokensPerSecond: round(400 * weightBytes / 1e9),
    wasmRoofline: { task: wasmRoof.task, gbPerSecond: wasmRoof.gbPerSecond.best, stepsPerSecond: round(wasmRoof.gbPerSecond.best * 1e9 / weightBytes) },
    nativeRoofline: nativeSums.length ? { task: bestOf(nativeSums).task, gbPerSecond: bestOf(nativeSums).gbPerSecond.best } : null,
    stepsPerSecondOfGemvAlone: { best: round(gemv.best * 1e9 / weightBytes), median: round(gemv.median * 1e9 / weightBytes) },
    stepsPerSecondOfGemvAloneInHugePages: gemvHuge ? { best: round(gemvHuge.best * 1e9 / weightBytes), median: round(gemvHuge.median * 1e9 / weightBytes) } : null,
    gemvShareOfWasmRoofline: round(gemv.best / wasmRoof.gbPerSecond.best, 2),
  },
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'gemv-roofline.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify({ results: result.results.map((r) => `${r.gbPerSecond.best} / ${r.gbPerSecond.median} GB/s  ${r.task}`), decodeStep15M: result.decodeStep15M, decode15M: result.decode15M, load: [host.loadAverage1mAtStart, result.machine.loadAverage1mAtEnd] }, null, 2));
process.exit(0);

/** The engine's 15M decode at one thread, a step at a time, each step followed by one gemv step (shared memory, in huge pages when it can be). */
async function decodeSetUp() {
  let tensor;
  let transformer;
  try {
    tensor = await import('@transformer-kit/tensor');
    transformer = await import('@transformer-kit/transformer');
  } catch (error) {
    return { skipped: `the built packages are missing (npx turbo run build --filter=@transformer-kit/transformer...): ${error.message}` };
  }
  const tokenizerPath = join(here, '..', '..', 'shared', 'tokenizers', 'llama2', 'tokenizer.bin');
  let tokenizerBytes;
  try {
    tokenizerBytes = readFileSync(tokenizerPath);
  } catch {
    return { skipped: `${tokenizerPath} is missing` };
  }
  const { randomLlama2cBin } = await import('./random-llama2c.mjs');
  const { greedyStep } = await import('./lib-greedy-step.mjs');
  const backend = tensor.createCpuBackend({ threads: 1, heap: adviseHugePages ? { advise: adviseHugePages } : {} });
  tensor.setBackend(backend);
  const bin = randomLlama2cBin({ dim, hidden, layers, heads: 6, kvHeads: 6, vocab, seqLen: 256 }, 1337).bytes;
  const { model } = transformer.loadLlama2c(bin, tokenizerBytes);
  const STEPS = 32;
  const TOKENS = 128;
  let cache = null;
  let last = 1;
  return {
    backend,
    steps: STEPS,
    heapShared: typeof SharedArrayBuffer === 'function',
    run(into) {
      tensor.setBackend(backend);
      for (let s = 0; s < STEPS; s++) {
        if (cache === null || cache.length >= TOKENS) {
          cache?.dispose();
          cache = model.createCache(TOKENS + 1);
          last = greedyStep(model, cache, [1]);
        }
        const t0 = performance.now();
        last = greedyStep(model, cache, [last]);
        const t1 = performance.now();
        (hugeMem ?? sharedMem).gemvStep();
        const t2 = performance.now();
        into?.step.push((t1 - t0) / 1000);
        into?.gemv.push((t2 - t1) / 1000);
      }
    },
  };
}
