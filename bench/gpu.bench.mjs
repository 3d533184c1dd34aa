// The gpu.js backend next to the CPU backend, in the same run: matmul GFLOP/s at the tensor bench's shapes
// and stories260K greedy tokens/s, with kernel launches and readbacks per generated token.
// Writes bench/results/gpu.json. Re-executes itself under xvfb-run when DISPLAY is unset (headless GL needs
// an X server; Xvfb gives it Mesa's software rasteriser, so these are NOT hardware GPU figures).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
if (!process.env.DISPLAY) {
  if (spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status !== 0) {
    console.error('gpu bench: DISPLAY is unset and xvfb-run is missing (apt-get install xvfb)');
    process.exit(1);
  }
  const r = spawnSync('xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const { createCpuBackend, randomNormal, matmul, tensor, setBackend } = await import('@transformer-kit/tensor');
const { createGpuBackend } = await import('@transformer-kit/gpu-backend');
const { readLlama2c, LlamaModel } = await import('@transformer-kit/transformer');

const gpu = await createGpuBackend({ mode: 'headlessgl' });
const cpu = createCpuBackend();

/** headless-gl reports 'ANGLE'; which GL library Mesa loaded is only visible in its loader log. */
function mesaDriver() {
  const probe = spawnSync(process.execPath, ['-e', "require('gl')(1, 1)"], { env: { ...process.env, LIBGL_DEBUG: 'verbose' }, encoding: 'utf8', cwd: resolve(here, '..') });
  const m = /dlopen\(([^)]+)\)/.exec(`${probe.stderr}${probe.stdout}`);
  return m ? m[1] : 'unknown';
}

function time(fn, minMs = 400, minRuns = 3) {
  fn(); // warm-up: compiles kernels, packs weights
  let runs = 0;
  const start = performance.now();
  while (runs < minRuns || performance.now() - start < minMs) {
    fn();
    runs++;
  }
  return (performance.now() - start) / runs;
}

const shapes = [
  [256, 256, 256],
  [512, 512, 512],
  [1024, 1024, 1024],
  [64, 768, 768],
  [1, 768, 3072],
];
const matmulResults = [];
for (const [m, k, n] of shapes) {
  const a = randomNormal([m, k], 0, 1, { seed: 1 }).dataSync();
  const b = randomNormal([k, n], 0, 1, { seed: 2 }).dataSync();
  const row = { shape: `${m}x${k}·${k}x${n}` };
  for (const [name, backend] of [['gpu', gpu], ['cpu', cpu]]) {
    const ta = tensor(a.slice(), [m, k], 'float32', backend);
    const tb = tensor(b.slice(), [k, n], 'float32', backend);
    // NOTE: GL calls return before the GPU finishes; reading the result back is what ends the work.
    const ms = time(() => {
      const c = matmul(ta, tb);
      c.dataSync();
      c.dispose();
    });
    row[`${name}Ms`] = +ms.toFixed(3);
    row[`${name}GflopS`] = +((2 * m * k * n) / (ms * 1e6)).toFixed(3);
    ta.dispose();
    tb.dispose();
  }
  row.gpuOverCpu = +(row.gpuGflopS / row.cpuGflopS).toFixed(3);
  matmulResults.push(row);
  console.log(row);
}

const modelPath = resolve(here, '../../shared/models/stories260K/stories260K.bin');
let generation = { skipped: `${modelPath} is missing` };
if (existsSync(modelPath)) {
  const bytes = readFileSync(modelPath);
  const tokens = 128;
  generation = { model: 'stories260K', tokens, prompt: 'BOS', decoding: 'greedy, KV cache, one token per forward' };
  for (const [name, backend] of [['gpu', gpu], ['cpu', cpu]]) {
    setBackend(backend);
    const { config, weights } = readLlama2c(bytes);
    const model = new LlamaModel(config, weights);
    const run = async () => {
      const cache = model.createCache();
      const out = [1];
      for (let i = 0; i < tokens; i++) {
        const { logits } = model.forward(tensor(Int32Array.from([out[out.length - 1]]), [1, 1], 'int32', backend), { cache, lastPositionOnly: true });
        const row = await logits.data();
        logits.dispose();
        let best = 0;
        for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
        out.push(best);
      }
      cache.dispose();
      return out;
    };
    await run(); // warm-up (kernel compiles)
    const before = backend === gpu ? gpu.stats() : null;
    const start = performance.now();
    const ids = await run();
    const seconds = (performance.now() - start) / 1000;
    generation[`${name}TokensPerSecond`] = +(tokens / seconds).toFixed(2);
    generation[`${name}First16`] = ids.slice(1, 17);
    if (before) {
      const after = gpu.stats();
      generation.gpuLaunchesPerToken = +((after.launches - before.launches) / tokens).toFixed(2);
      generation.gpuReadbacksPerToken = +((after.readbacks - before.readbacks) / tokens).toFixed(2);
      generation.gpuLiveTexturesAfter = after.liveTextures;
    }
  }
  generation.gpuOverCpu = +(generation.gpuTokensPerSecond / generation.cpuTokensPerSecond).toFixed(3);
  console.log(generation);
}

const result = {
  bench: 'gpu',
  date: new Date().toISOString(),
  backend: gpu.name,
  peer: 'cpu (the @transformer-kit/tensor reference backend), same run',
  renderer: gpu.info.renderer,
  glVersion: gpu.info.version,
  mesaDriver: mesaDriver(),
  note: 'SOFTWARE rendering: headless-gl under Xvfb runs on Mesa (llvmpipe, CPU threads). These figures measure a software rasteriser, not a GPU; they show overheads and correctness, not GPU speed.',
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  matmul: { unit: 'GFLOP/s = 2·M·K·N / time; the GPU time includes one readback of the result', results: matmulResults },
  generation,
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'gpu.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote bench/results/gpu.json (${gpu.name} on ${gpu.info.renderer}, Mesa ${result.mesaDriver})`);
gpu.destroy();
