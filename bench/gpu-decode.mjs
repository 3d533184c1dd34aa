// Greedy KV-cache decoding with the per-token counters the gpu bench reports, shared by the Node run (headless GL)
// and the Chromium page (WebGL2). Browser-safe: imports only the built packages.
import { setBackend, tensor } from '@transformer-kit/tensor';
import { LlamaModel, readLlama2c } from '@transformer-kit/transformer';
import { randomLlama2cBin } from './random-llama2c.mjs';

/** The models the bench decodes: stories260K (bytes from ../shared) and a random Llama in stories15M's shape. */
export const MODELS = [
  { name: 'stories260K', tokens: 128, file: 'stories260K/stories260K.bin' },
  { name: 'random Llama 15M (stories15M shape, seed 1337)', tokens: 16, random: { dim: 288, hidden: 768, layers: 6, heads: 6, kvHeads: 6, vocab: 32000, seqLen: 256 } },
];

/** The checkpoint bytes of `spec` (`fetchBytes` reads a file of ../shared/models). */
export async function modelBytes(spec, fetchBytes) {
  return spec.random ? randomLlama2cBin(spec.random, 1337).bytes : fetchBytes(spec.file);
}

/** A LlamaModel whose weights live on `backend`. */
export function loadOn(backend, bytes) {
  setBackend(backend);
  const { config, weights } = readLlama2c(bytes.slice());
  return new LlamaModel(config, weights);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Greedy decoding from BOS for `tokens` tokens: the ids, milliseconds per token (`ms`), and per-token GPU counters
 * (live textures, texels, launches) when `gpu` is the backend.
 */
export async function decode(model, backend, tokens, gpu) {
  setBackend(backend);
  const cache = model.createCache();
  const ids = [1];
  const live = [];
  const gl = [];
  const texels = [];
  const launches = [];
  const ms = [];
  const before = gpu?.stats();
  const start = performance.now();
  let tokenStart = start;
  for (let i = 0; i < tokens; i++) {
    const { logits } = model.forward(tensor(Int32Array.from([ids[ids.length - 1]]), [1, 1], 'int32', backend), { cache, lastPositionOnly: true });
    const row = await logits.data();
    logits.dispose();
    let best = 0;
    for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
    ids.push(best);
    const now = performance.now();
    ms.push(now - tokenStart);
    tokenStart = now;
    if (gpu) {
      const s = gpu.stats();
      live.push(s.liveTextures);
      gl.push(s.glTextures);
      texels.push(s.texelsWritten - (texels.total ?? before.texelsWritten));
      texels.total = s.texelsWritten;
      launches.push(s.launches - (launches.total ?? before.launches));
      launches.total = s.launches;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  cache.dispose();
  const after = gpu?.stats();
  const perToken = (key) => +((after[key] - before[key]) / tokens).toFixed(2);
  return { ids, seconds, ms, live, gl, texels, launchesByToken: launches, ...(gpu ? { launches: perToken('launches'), readbacks: perToken('readbacks'), texelsWritten: perToken('texelsWritten') } : {}) };
}

/**
 * One model on the GPU and the CPU backend in the same run, runs interleaved (gpu, cpu, gpu, cpu, ...) after a
 * warm-up of each; tokens/s are medians. Also a 200-token GPU generation for the live-texture count.
 */
export async function benchModel(spec, bytes, gpu, cpu, rounds = 3) {
  const onGpu = loadOn(gpu, bytes);
  const onCpu = loadOn(cpu, bytes);
  await decode(onGpu, gpu, 4, gpu); // compiles the kernels
  await decode(onCpu, cpu, 4);
  const gpuRuns = [];
  const cpuRuns = [];
  for (let r = 0; r < rounds; r++) {
    gpuRuns.push(await decode(onGpu, gpu, spec.tokens, gpu));
    cpuRuns.push(await decode(onCpu, cpu, spec.tokens));
  }
  const tps = (runs) => +median(runs.map((r) => spec.tokens / r.seconds)).toFixed(2);
  const g = gpuRuns[0];
  const row = {
    model: spec.name,
    tokens: spec.tokens,
    decoding: 'greedy from BOS, KV cache, one token per forward, logits read back every token',
    gpuTokensPerSecond: tps(gpuRuns),
    cpuTokensPerSecond: tps(cpuRuns),
    launchesPerToken: g.launches,
    readbacksPerToken: g.readbacks,
    texelsWrittenPerToken: g.texelsWritten,
    sameTokensAsCpu: gpuRuns.every((r) => r.ids.join() === cpuRuns[0].ids.join()),
    first16: g.ids.slice(1, 17),
  };
  row.gpuOverCpu = +(row.gpuTokensPerSecond / row.cpuTokensPerSecond).toFixed(3);
  if (spec.name === 'stories260K') {
    // A 200-token generation: live textures after each token, and the texels each token wrote at positions 2,
    // 100 and 200 (the same when an append costs the same whatever the cache length; token 1 also cuts the
    // fresh cache into blocks, once).
    const long = await decode(onGpu, gpu, 200, gpu);
    const settled = long.live.slice(10);
    const glSettled = long.gl.slice(10);
    row.generation200 = {
      liveTexturesMinAfterToken10: Math.min(...settled),
      liveTexturesMaxAfterToken10: Math.max(...settled),
      glTexturesMinAfterToken10: Math.min(...glSettled),
      glTexturesMaxAfterToken10: Math.max(...glSettled),
      texelsWrittenByToken: { 1: long.texels[0], 2: long.texels[1], 100: long.texels[99], 200: long.texels[199] },
      launchesPerToken: long.launches,
      readbacksPerToken: long.readbacks,
    };
  }
  onGpu.dispose?.();
  onCpu.dispose?.();
  return row;
}
