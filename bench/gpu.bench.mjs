// The gpu.js backend next to the CPU backend, in the same run: matmul GFLOP/s at the tensor bench's shapes, and
// greedy decoding of stories260K and of a random Llama in stories15M's shape with launches, readbacks and texels
// written per token — on headless GL (Node, Mesa llvmpipe under Xvfb) and in Chromium's WebGL2 (SwiftShader).
// Both renderers are SOFTWARE: the figures show overheads and correctness, not GPU speed.
// Writes bench/results/gpu.json. Re-executes itself under xvfb-run when DISPLAY is unset.
//   node bench/gpu.bench.mjs [--no-matmul] [--no-chromium]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { ensureDisplay } from './ensure-display.mjs';

const here = dirname(fileURLToPath(import.meta.url));
ensureDisplay(import.meta.url);

const { createCpuBackend, randomNormal, matmul, tensor } = await import('@transformer-kit/tensor');
const { createGpuBackend } = await import('@transformer-kit/gpu-backend');
const { benchModel, modelBytes, MODELS } = await import('./gpu-decode.mjs');
const args = process.argv.slice(2);
const sharedModels = resolve(here, '../../shared/models');

const gpu = await createGpuBackend({ mode: 'headlessgl', countGlTextures: true });
const cpu = createCpuBackend();

/** headless-gl reports 'ANGLE'; which GL library Mesa loaded is only visible in its loader log. */
function mesaDriver() {
  const probe = spawnSync(process.execPath, ['-e', "require('gl')(1, 1)"], { env: { ...process.env, LIBGL_DEBUG: 'verbose' }, encoding: 'utf8', cwd: resolve(here, '..') });
  const m = /dlopen\(([^)]+)\)/.exec(`${probe.stderr}${probe.stdout}`);
  return m ? m[1] : 'unknown';
}

function time(fn, minMs = 400, minRuns = 3) {
  const warm = performance.now();
  fn(); // warm-up: compiles kernels, packs weights
  // NOTE: a shape whose warm-up took seconds (1024³ on a software rasteriser) is timed over one run.
  const runsWanted = performance.now() - warm > 2000 ? 1 : minRuns;
  let runs = 0;
  const start = performance.now();
  while (runs < runsWanted || performance.now() - start < minMs) {
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
const previous = existsSync(join(here, 'results', 'gpu.json')) ? JSON.parse(readFileSync(join(here, 'results', 'gpu.json'), 'utf8')) : null;
const matmulResults = [];
for (const [m, k, n] of args.includes('--no-matmul') ? [] : shapes) {
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

// ---- decoding on headless GL, next to the CPU backend ----
const driver = mesaDriver();
// NOTE: headless-gl reports 'ANGLE' as its renderer; Mesa's loader log names the driver (swrast = llvmpipe/softpipe).
const headless = { backend: gpu.name, renderer: `${gpu.info.renderer} over Mesa ${driver}`, software: gpu.info.software || /swrast|llvmpipe|softpipe/.test(driver), models: [] };
for (const spec of MODELS) {
  if (spec.file && !existsSync(join(sharedModels, spec.file))) {
    headless.models.push({ model: spec.name, skipped: `${join(sharedModels, spec.file)} is missing` });
    continue;
  }
  const bytes = await modelBytes(spec, (file) => new Uint8Array(readFileSync(join(sharedModels, file))));
  const row = await benchModel(spec, bytes, gpu, cpu);
  headless.models.push(row);
  console.log('headlessgl', row);
}

// ---- the same in Chromium (WebGL2 through SwiftShader), next to the CPU backend in the same page ----
async function inChromium() {
  const { build } = await import('esbuild');
  const { chromium } = await import('playwright-core');
  const bundle = await build({ entryPoints: [join(here, 'gpu-browser-entry.mjs')], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent' });
  const page = '<!doctype html><meta charset="utf-8"><title>gpu bench</title><script type="module" src="/bundle.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === '/bundle.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle.outputFiles[0].text);
    if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    const file = req.url.startsWith('/models/') ? join(sharedModels, decodeURIComponent(req.url.slice('/models/'.length))) : '';
    if (file.startsWith(sharedModels) && existsSync(file)) return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(file));
    res.writeHead(404).end();
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-gpu-sandbox'],
  });
  try {
    const tab = await browser.newPage();
    const logs = [];
    tab.on('console', (m) => logs.push(m.text()));
    tab.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    await tab.goto(`http://127.0.0.1:${server.address().port}/`);
    await tab.waitForFunction(() => typeof window.runGpuBench === 'function', null, { timeout: 60_000 });
    const out = await tab.evaluate((rounds) => window.runGpuBench(rounds), 3);
    return { backend: out.backend, renderer: out.info.renderer, software: out.info.software, userAgent: out.userAgent, models: out.models };
  } catch (error) {
    return { error: `${error.message}`.split('\n')[0] };
  } finally {
    await browser.close();
    server.close();
  }
}
const chromiumResults = args.includes('--no-chromium') ? previous?.decoding?.chromiumWebgl2 ?? null : await inChromium();
console.log('chromium', JSON.stringify(chromiumResults, null, 1));

const result = {
  bench: 'gpu',
  date: new Date().toISOString(),
  backend: gpu.name,
  peer: 'cpu (the @transformer-kit/tensor CPU backend), same run',
  renderer: gpu.info.renderer,
  glVersion: gpu.info.version,
  mesaDriver: driver,
  note: 'SOFTWARE rendering, both paths: headless-gl under Xvfb runs on Mesa llvmpipe and Chromium WebGL2 on SwiftShader, both on CPU threads. These figures measure software rasterisers, not a GPU; they show launch/readback/texel overheads and correctness, not GPU speed. gpuOverCpu is the ratio of tokens/s to the CPU backend in the same process.',
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  matmul: matmulResults.length ? { unit: 'GFLOP/s = 2·M·K·N / time; the GPU time includes one readback of the result', results: matmulResults } : previous?.matmul,
  decoding: { headlessgl: headless, chromiumWebgl2: chromiumResults },
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'gpu.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote bench/results/gpu.json (${gpu.name} on ${gpu.info.renderer}, Mesa ${result.mesaDriver})`);
gpu.destroy();
