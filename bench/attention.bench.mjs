// Causal self-attention forward (batch 1, 8 heads, headDim 64) at seq 128, 512, 2048: time and peak memory of
// @transformer-kit/attention's plain (composed) and memory-efficient paths — and, for reference, tensor's fused
// CPU kernel — on the CPU backend, next to the same computation composed from @tensorflow/tfjs ops on tfjs's
// cpu and wasm backends, in the same run. Imports the BUILT packages (npx turbo run build --filter=@transformer-kit/attention...).
//
// Peak memory = the largest sum of live tensor bytes during the call, minus what was live before it (q, k, v):
// for ours, by wrapping every storage-producing method of the CPU backend (bytes from the output shape and dtype);
// for tfjs, tf.profile()'s peakBytes minus tf.memory().numBytes before the call. Both count tensors only
// (not V8 scratch arrays inside kernels).
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCpuBackend, getBackend, randomNormal, setBackend, sizeOf } from '@transformer-kit/tensor';
import { scaledDotProductAttention } from '@transformer-kit/attention';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const here = dirname(fileURLToPath(import.meta.url));
const BATCH = 1;
const HEADS = 8;
const HEAD_DIM = 64;
const SEQS = [128, 512, 2048];
const RUNS = { 128: 10, 512: 4, 2048: 2 };

/** A CPU backend that tracks live tensor bytes and their peak. */
function measuringCpuBackend() {
  const cpu = createCpuBackend();
  const sizes = new Map();
  const m = { name: 'cpu', tolerance: cpu.tolerance, liveBytes: 0, peakBytes: 0 };
  const record = (id, shape, dtype) => {
    const bytes = sizeOf(shape) * (dtype === 'bool' ? 1 : 4);
    sizes.set(id, bytes);
    m.liveBytes += bytes;
    if (m.liveBytes > m.peakBytes) m.peakBytes = m.liveBytes;
    return id;
  };
  Object.assign(m, {
    upload: (v, s, d) => record(cpu.upload(v, s, d), s, d),
    read: (...a) => cpu.read(...a),
    readSync: (...a) => cpu.readSync(...a),
    disposeData: (id) => { m.liveBytes -= sizes.get(id) ?? 0; sizes.delete(id); cpu.disposeData(id); },
    writeSlice: (...a) => cpu.writeSlice(...a),
    liveDataCount: () => cpu.liveDataCount(),
    matmul: (a, b, ta, tb, out) => record(cpu.matmul(a, b, ta, tb, out), out, 'float32'),
    unary: (op, x) => record(cpu.unary(op, x), x.shape, op === 'logicalNot' ? 'bool' : 'float32'),
    binary: (op, a, b, out, dt) => record(cpu.binary(op, a, b, out, dt), out, dt),
    reduce: (op, x, axis) => record(cpu.reduce(op, x, axis), x.shape.filter((_, i) => i !== axis), 'float32'),
    gather: (t, i, axis) => record(cpu.gather(t, i, axis), [...t.shape.slice(0, axis), ...i.shape, ...t.shape.slice(axis + 1)], t.dtype),
    transpose: (x, perm) => record(cpu.transpose(x, perm), perm.map((p) => x.shape[p]), x.dtype),
    slice: (x, begin, size) => record(cpu.slice(x, begin, size), size, x.dtype),
    concat: (xs, axis, out) => record(cpu.concat(xs, axis, out), out, xs[0].dtype),
    where: (c, a, b, out) => record(cpu.where(c, a, b, out), out, a.dtype),
    cast: (x, dt) => record(cpu.cast(x, dt), x.shape, dt),
    softmax: (x) => record(cpu.softmax(x), x.shape, 'float32'),
    layerNorm: (x, g, b, e) => record(cpu.layerNorm(x, g, b, e), x.shape, 'float32'),
    rmsNorm: (x, g, e) => record(cpu.rmsNorm(x, g, e), x.shape, 'float32'),
    gelu: (x, a) => record(cpu.gelu(x, a), x.shape, 'float32'),
    silu: (x) => record(cpu.silu(x), x.shape, 'float32'),
    rotary: (x, c, s, l) => record(cpu.rotary(x, c, s, l), x.shape, 'float32'),
    attention: (q, k, v, o) => record(cpu.attention(q, k, v, o), q.shape, 'float32'),
  });
  return m;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeIt(runs, fn) {
  fn(); // warm-up
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function ours(seq, implementation, backend) {
  const shape = [BATCH, HEADS, seq, HEAD_DIM];
  const q = randomNormal(shape, 0, 1, { seed: 1 });
  const k = randomNormal(shape, 0, 1, { seed: 2 });
  const v = randomNormal(shape, 0, 1, { seed: 3 });
  const call = () => scaledDotProductAttention(q, k, v, { causal: true, implementation }).output;
  globalThis.gc?.();
  const base = backend.liveBytes;
  backend.peakBytes = base;
  const out = call();
  const peakBytes = backend.peakBytes - base;
  const values = out.dataSync();
  out.dispose();
  const ms = timeIt(RUNS[seq], () => call().dispose());
  for (const t of [q, k, v]) t.dispose();
  return { ms: round(ms), peakBytes, values };
}

/** The causal mask as tfjs users write it: an additive [seq, seq] tensor, 0 on and below the diagonal, -Infinity above. */
function tfjsCausalMask(seq) {
  const data = new Float32Array(seq * seq);
  for (let i = 0; i < seq; i++) for (let j = i + 1; j < seq; j++) data[i * seq + j] = -Infinity;
  return tf.tensor(data, [seq, seq]);
}

function tfjsAttention(q, k, v, seq) {
  return tf.tidy(() => {
    // NOTE: an additive mask rather than tf.linalg.bandPart + tf.where: both are several times slower in tfjs 4.22.
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(HEAD_DIM)), tfjsCausalMask(seq)); // [batch, heads, seq, seq]
    return tf.matMul(tf.softmax(scores, -1), v); // [batch, heads, seq, headDim]
  });
}

async function tfjs(seq, backendName, inputs) {
  await tf.setBackend(backendName);
  await tf.ready();
  const shape = [BATCH, HEADS, seq, HEAD_DIM];
  const [q, k, v] = inputs.map((data) => tf.tensor(data, shape));
  const before = tf.memory().numBytes;
  let out;
  const profile = await tf.profile(() => {
    out = tfjsAttention(q, k, v, seq);
    return out;
  });
  const values = out.dataSync();
  out.dispose();
  const ms = timeIt(RUNS[seq], () => {
    const o = tfjsAttention(q, k, v, seq);
    o.dataSync();
    o.dispose();
  });
  tf.dispose([q, k, v]);
  return { ms: round(ms), peakBytes: profile.peakBytes - before, values };
}

function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const mb = (bytes) => round(bytes / 2 ** 20, 2);

setWasmPaths(join(here, '..', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
const previous = getBackend();
const backend = measuringCpuBackend();
setBackend(backend);
const results = [];
let failed = false;
for (const seq of SEQS) {
  const shape = [BATCH, HEADS, seq, HEAD_DIM];
  const inputs = [1, 2, 3].map((seed) => randomNormal(shape, 0, 1, { seed }));
  const hostInputs = inputs.map((t) => t.dataSync());
  for (const t of inputs) t.dispose();
  const plain = ours(seq, 'composed', backend);
  const efficient = ours(seq, 'memory-efficient', backend);
  const fused = ours(seq, 'fused', backend);
  const tfCpu = await tfjs(seq, 'cpu', hostInputs);
  const tfWasm = await tfjs(seq, 'wasm', hostInputs);
  const row = {
    seq,
    ours: {
      plain: { ms: plain.ms, peakMB: mb(plain.peakBytes) },
      memoryEfficient: { ms: efficient.ms, peakMB: mb(efficient.peakBytes) },
      fusedKernel: { ms: fused.ms, peakMB: mb(fused.peakBytes) },
    },
    tfjs: { cpu: { ms: tfCpu.ms, peakMB: mb(tfCpu.peakBytes) }, wasm: { ms: tfWasm.ms, peakMB: mb(tfWasm.peakBytes) } },
    ratios: {
      memoryEfficientPeakOverPlainPeak: round(efficient.peakBytes / plain.peakBytes, 4),
      plainTimeOverTfjsCpu: round(plain.ms / tfCpu.ms, 3),
      plainTimeOverTfjsWasm: round(plain.ms / tfWasm.ms, 3),
      memoryEfficientTimeOverTfjsCpu: round(efficient.ms / tfCpu.ms, 3),
      memoryEfficientTimeOverTfjsWasm: round(efficient.ms / tfWasm.ms, 3),
      fusedTimeOverTfjsWasm: round(fused.ms / tfWasm.ms, 3),
    },
    maxAbsDiff: {
      memoryEfficientVsPlain: maxAbsDiff(efficient.values, plain.values),
      plainVsTfjsCpu: maxAbsDiff(plain.values, tfCpu.values),
      plainVsTfjsWasm: maxAbsDiff(plain.values, tfWasm.values),
    },
  };
  results.push(row);
  console.log(JSON.stringify(row));
  if (seq === 2048 && !(efficient.peakBytes < plain.peakBytes / 4)) {
    console.error(`memory-efficient peak ${mb(efficient.peakBytes)} MB is not under a quarter of the plain path's ${mb(plain.peakBytes)} MB`);
    failed = true;
  }
}
setBackend(previous);

const report = {
  benchmark: 'causal self-attention forward',
  config: { batch: BATCH, heads: HEADS, headDim: HEAD_DIM, seqs: SEQS, runs: RUNS, timing: 'median ms after one warm-up run' },
  peakMemory:
    'largest sum of live tensor bytes during one call, minus the bytes live before it (q, k, v excluded, output included). ' +
    "Ours: every storage-producing method of the CPU backend wrapped (bytes from output shape/dtype). tfjs: tf.profile().peakBytes minus tf.memory().numBytes before.",
  peer: `@tensorflow/tfjs ${tf.version.tfjs} (cpu and wasm backends), same computation: matMul, mul, add of an additive causal mask built from a Float32Array, softmax, matMul`,
  ours: "@transformer-kit/attention scaledDotProductAttention on the CPU backend: implementation 'composed' (plain), 'memory-efficient' (256-position blocks), 'fused' (tensor's attend CPU kernel)",
  node: process.version,
  date: new Date().toISOString(),
  results,
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'attention.json'), JSON.stringify(report, null, 2) + '\n');
console.log(`wrote bench/results/attention.json`);
process.exit(failed ? 1 : 0);
