// stories260K greedy-decoded over its whole context (511 tokens after BOS) on the gpu.js backend, next to the CPU
// backend in the same run (rounds interleaved): what a token costs early and late in the cache. On headless GL
// one attention launch binds 15 KV blocks (960 positions), so a second GPU backend is limited to 7 blocks (448,
// a WebGL2 device with 16 texture units): its last 63 tokens read the cache in two launches per layer, which
// carry a partial softmax instead of joining the cache. SOFTWARE rendering (Mesa llvmpipe under Xvfb): the
// figures show per-token costs, not GPU speed.
// Writes bench/results/gpu-context.json. Re-executes itself under xvfb-run when DISPLAY is unset.
//   node bench/gpu-context.bench.mjs [--rounds N]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDisplay } from './ensure-display.mjs';

const here = dirname(fileURLToPath(import.meta.url));
ensureDisplay(import.meta.url);

const { createCpuBackend } = await import('@transformer-kit/tensor');
const { createGpuBackend } = await import('@transformer-kit/gpu-backend');
const { decode, loadOn } = await import('./gpu-decode.mjs');

const file = resolve(here, '../../shared/models/stories260K/stories260K.bin');
if (!existsSync(file)) {
  console.error(`gpu-context bench: ${file} is missing (../shared is not beside the repository)`);
  process.exit(1);
}
const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 3;
const bytes = new Uint8Array(readFileSync(file));
const tokens = 511; // BOS + 511 = the 512-position context

const log = () => {};
const runners = [
  { name: 'gpu.js headlessgl, 15 KV blocks a launch (its limit)', backend: await createGpuBackend({ mode: 'headlessgl', log }), gpu: true },
  { name: 'gpu.js headlessgl, 7 KV blocks a launch (attentionBlocksPerLaunch: 7)', backend: await createGpuBackend({ mode: 'headlessgl', log, attentionBlocksPerLaunch: 7 }), gpu: true },
  { name: 'cpu (the @transformer-kit/tensor CPU backend)', backend: createCpuBackend(), gpu: false },
];
for (const r of runners) {
  r.model = loadOn(r.backend, bytes);
  await decode(r.model, r.backend, 4, r.gpu ? r.backend : undefined); // compiles the kernels
  r.runs = [];
}
for (let round = 0; round < rounds; round++) {
  for (const r of runners) {
    r.runs.push(await decode(r.model, r.backend, tokens, r.gpu ? r.backend : undefined));
    console.log(`round ${round + 1}: ${r.name}: ${(tokens / r.runs.at(-1).seconds).toFixed(1)} tokens/s`);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Token i (0-based) is decoded with i + 1 positions cached.
const span = (run, from, to) => median(run.ms.slice(from, to));
const cpuIds = runners[2].runs[0].ids.join();
const rows = runners.map((r) => {
  const run = r.runs[0];
  const early = median(r.runs.map((x) => span(x, 1, 65)));
  const late = median(r.runs.map((x) => span(x, 447, 511)));
  return {
    backend: r.name,
    info: r.gpu ? { renderer: r.backend.info.renderer, maxTextureUnits: r.backend.info.maxTextureUnits, attentionBlocksPerLaunch: r.backend.info.attentionBlocksPerLaunch } : undefined,
    tokensPerSecond: +median(r.runs.map((x) => tokens / x.seconds)).toFixed(2),
    msPerTokenAt2To65Positions: +early.toFixed(3),
    msPerTokenAt448To511Positions: +late.toFixed(3),
    lateOverEarly: +(late / early).toFixed(3),
    sameTokensAsCpu: r.runs.every((x) => x.ids.join() === cpuIds),
    ...(r.gpu ? {
      launchesByToken: { 101: run.launchesByToken[100], 441: run.launchesByToken[440], 501: run.launchesByToken[500] },
      texelsWrittenByToken: { 101: run.texels[100], 441: run.texels[440], 501: run.texels[500] },
    } : {}),
  };
});
for (const row of rows.slice(0, 2)) row.tokensPerSecondOverCpu = +(row.tokensPerSecond / rows[2].tokensPerSecond).toFixed(3);

const result = {
  bench: 'gpu-context',
  date: new Date().toISOString(),
  model: 'stories260K (../shared/models/stories260K/stories260K.bin), greedy from BOS, 511 tokens (the whole 512-position context), KV cache, logits read back every token',
  peer: 'cpu (the @transformer-kit/tensor CPU backend), same run, rounds interleaved',
  rounds,
  note: 'SOFTWARE rendering: headless-gl under Xvfb runs on Mesa llvmpipe. The keys of launchesByToken / texelsWrittenByToken are the positions cached when the token is decoded. Before this change a cache past the per-launch limit was joined into one copy every token (2 · length · kvHeads · headDim texels per layer); now it costs one launch and heads · (headDim + 2) texels more per layer.',
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  results: rows,
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'gpu-context.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(rows, null, 1));
for (const r of runners) {
  r.model.dispose?.();
  if (r.gpu) r.backend.destroy();
}
