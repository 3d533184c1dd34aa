// Quantized GGUF speed and memory (issue #14): r42m (dim 512, 8 layers, vocab 32000) as Q4_K_M
// (../shared/models/r42m/r42m-Q4_K_M.gguf, llama.cpp's quantization), Q8_0, Q4_0 and F32 (made by bench/quant-ggufs.mjs
// from the same f32 weights), one thread, next to named peers in the same run, runs interleaved:
//  - llama.cpp through node-llama-cpp 3.21.1 (its prebuilt CPU binary: getLlama({ gpu: false, build: 'never' }), 1 thread)
//  - llama.cpp in WebAssembly, @wllama/wllama in headless Chromium (/usr/bin/chromium via playwright-core, 1 thread)
// Measures decode tokens/s (128 greedy tokens after an 8-token prompt; the prompt's own step not counted) and
// prompt tokens/s (one 128-token prompt), and our process's resident memory after loading (fresh processes,
// bench/quant-rss.mjs). `BENCH_ONLY=rss npm run bench -- quant` measures the memory alone (no peers, a quiet
// machine not needed) and rewrites only the `oursResidentMemory` of each row of bench/results/quant.json.
// Imports the BUILT packages: npx turbo run build --filter=@transformer-kit/transformer...
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argmax, createCpuBackend, setBackend, tensor } from '@transformer-kit/tensor';
import { loadGguf } from '@transformer-kit/transformer';
import { r42mGgufs } from './quant-ggufs.mjs';
import { wllamaPeer } from './quant-wllama.mjs';
import { median } from './lib-bench.mjs';
import { nodeLlamaCppPeer } from './lib-node-llama-cpp.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const q4km = join(here, '..', '..', 'shared', 'models', 'r42m', 'r42m-Q4_K_M.gguf');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DECODE = 128;
// BOS + "Once upon a time, there was a little" (llama.cpp's ids), repeated to 128 tokens for the prompt run
const PROMPT_IDS = [1, 9038, 2501, 263, 931, 29892, 727, 471, 263, 2217];
const prompt8 = PROMPT_IDS.slice(0, 8);
const prompt128 = [1, ...Array.from({ length: 127 }, (_, i) => PROMPT_IDS[1 + (i % 9)])];

const files = { Q4_K_M: q4km, ...r42mGgufs(q4km) };

/** Ours: a decode run and a prompt run on one loaded model. */
function ours(model) {
  return {
    decode() {
      const cache = model.createCache(256);
      let out = model.forward(tensor(prompt8, [1, 8], 'int32'), { cache, lastPositionOnly: true });
      let next = argmax(out.logits, -1).dataSync()[0];
      const ids = [next];
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < DECODE; i++) {
        out.logits.dispose();
        out = model.forward(tensor([next], [1, 1], 'int32'), { cache, lastPositionOnly: true });
        next = argmax(out.logits, -1).dataSync()[0];
        ids.push(next);
      }
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      out.logits.dispose();
      return { tokensPerSecond: DECODE / seconds, ids: ids.slice(0, 16), cpuSeconds: (cpu.user + cpu.system) / 1e6 };
    },
    prompt() {
      const cache = model.createCache(256);
      const t0 = performance.now();
      model.forward(tensor(prompt128, [1, 128], 'int32'), { cache, lastPositionOnly: true }).logits.dispose();
      return { tokensPerSecond: 128 / ((performance.now() - t0) / 1000) };
    },
  };
}

const RSS_RUNS = Number(process.env.BENCH_RSS_RUNS ?? 3);
const RESIDENT_MEMORY_METHOD =
  'Each figure is the median over `runs` fresh processes of bench/quant-rss.mjs (Linux /proc/self: VmRSS, VmHWM, smaps), RSS read after 3 forced GCs 100 ms apart. ' +
  'engineStartBytes = rssBefore - rssImported: the CPU engine made by createCpuBackend (1 MiB heap, f32 kernel module, scratch), paid once whatever is loaded, not counted in the bar. ' +
  'importBytes = rssImported - rssStart: the packages\' code. ' +
  'loadedOverFile (the bar, <= 1.3) = (rssLoaded - rssBefore) / fileBytes: what `loadGguf(readFileSync(file))` leaves resident, model AND tokenizer held, the file\'s Buffer garbage. ' +
  'loadedWithEngineOverFile = (rssLoaded - rssImported) / fileBytes: the same with the engine\'s start-up. ' +
  'engineHeapOverFile: the part of the load that is the engine heap\'s mapping (the packed weights). ' +
  'peakOverFile = (VmHWM during the load - rssBefore) / fileBytes: the file\'s Buffer and the heap\'s copy coexist while the model is built. ' +
  'loadedIdleOverFile = (rssLoadedIdle - rssBefore) / fileBytes: the loaded process after 10 s idle and a GC (V8 gives back the young generation the load grew). ' +
  'afterForwardOverFile: after one 4-token forward with a 256-position KV cache (adds the cache, the quantized kernel module and a worker thread).';

/** Our resident memory after loading `path`: medians over RSS_RUNS fresh processes (bench/quant-rss.mjs). */
function residentMemory(path) {
  const runs = [];
  for (let i = 0; i < RSS_RUNS; i++) {
    const r = spawnSync(process.execPath, ['--expose-gc', join(here, 'quant-rss.mjs'), path], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`quant-rss.mjs failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout.trim().split('\n').pop());
    const load = m.rssLoaded - m.rssBefore;
    runs.push({
      loadedOverFile: load / m.fileBytes,
      loadedWithEngineOverFile: (m.rssLoaded - m.rssImported) / m.fileBytes,
      engineHeapOverFile: (m.residentLoaded.engineHeap - m.residentBefore.engineHeap) / m.fileBytes,
      peakOverFile: m.rssPeakLoad === null ? null : (m.rssPeakLoad - m.rssBefore) / m.fileBytes,
      loadedIdleOverFile: (m.rssLoadedIdle - m.rssBefore) / m.fileBytes,
      afterForwardOverFile: (m.rssAfterForward - m.rssBefore) / m.fileBytes,
      engineStartBytes: m.rssBefore - m.rssImported,
      importBytes: m.rssImported - m.rssStart,
      loadBytes: load,
      raw: m,
    });
  }
  const mid = (key) => (runs.some((r) => r[key] === null) ? null : median(runs.map((r) => r[key])));
  const keys = ['loadedOverFile', 'loadedWithEngineOverFile', 'engineHeapOverFile', 'peakOverFile', 'loadedIdleOverFile', 'afterForwardOverFile', 'engineStartBytes', 'importBytes', 'loadBytes'];
  const memory = { fileBytes: runs[0].raw.fileBytes, ...Object.fromEntries(keys.map((k) => [k, mid(k)])), barMet: mid('loadedOverFile') <= 1.3, runs };
  console.log(`  resident memory ${path.split('/').pop()}: load ${memory.loadedOverFile.toFixed(3)}x the file (engine heap ${memory.engineHeapOverFile.toFixed(3)}x), with the engine ${memory.loadedWithEngineOverFile.toFixed(3)}x, peak ${memory.peakOverFile?.toFixed(3)}x, idle ${memory.loadedIdleOverFile.toFixed(3)}x, after a forward ${memory.afterForwardOverFile.toFixed(3)}x`);
  return memory;
}

const out = join(here, 'results', 'quant.json');
if (process.env.BENCH_ONLY === 'rss') {
  // the memory alone: rewrite each row's oursResidentMemory in the last results, keep the speed figures as they are
  const previous = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : { bench: 'quant', results: [] };
  for (const [type, path] of Object.entries(files)) {
    const memory = residentMemory(path);
    let row = previous.results.find((r) => r.model === `r42m-${type}`);
    if (!row) previous.results.push((row = { model: `r42m-${type}`, fileBytes: memory.fileBytes }));
    row.oursResidentMemory = memory;
  }
  previous.residentMemoryDate = new Date().toISOString();
  previous.residentMemoryNode = process.version;
  previous.residentMemoryMethod = RESIDENT_MEMORY_METHOD;
  writeFileSync(out, `${JSON.stringify(previous, null, 2)}\n`);
  console.log(`wrote the resident memory into ${out}`);
  process.exit(0);
}

// NOTE: one thread, as the peers run (node-llama-cpp threads: 1, wllama n_threads: 1). createCpuBackend() alone takes
// the machine's parallelism (2 here): until this fix the bench's "ours" ran on 2 threads while it said 1.
const backend = createCpuBackend({ threads: 1 });
setBackend(backend);
const results = [];
const wllama = await wllamaPeer().catch((e) => ({ error: String(e?.message ?? e) }));
for (const [type, path] of Object.entries(files)) {
  console.log(`r42m ${type}: ${path} (${(statSync(path).size / 1e6).toFixed(1)} MB)`);
  const { model } = loadGguf(readFileSync(path), `r42m-${type}.gguf`);
  const mine = ours(model);
  const peer = await nodeLlamaCppPeer(path, { threads: 1 });
  let web = wllama.error ? null : await wllama.load(path).catch((e) => ({ error: String(e?.message ?? e).split('\n')[0] }));
  const runs = { ours: { decode: [], prompt: [] }, nodeLlamaCpp: { decode: [], prompt: [] }, wllama: { decode: [], prompt: [] } };
  // Per round: ours / node-llama-cpp in wall time (the bar's measure) and in tokens per CPU-second (the process's CPU
  // time over each decode: both run in this process, one thread each), which a busy machine disturbs less.
  const rounds = { decodeRatioVsNodeLlamaCpp: [], decodeTokensPerCpuSecond: { ours: [], nodeLlamaCpp: [] }, decodeCpuRatioVsNodeLlamaCpp: [] };
  let idsOurs = null;
  let idsPeer = null;
  for (let r = 0; r < RUNS + 1; r++) {
    // interleaved: ours, node-llama-cpp, wllama, each decode then prompt; run 0 is a warm-up
    const d1 = mine.decode();
    const p1 = mine.prompt();
    const d2 = await peer.decode(prompt8, DECODE);
    const p2 = await peer.prompt(prompt128);
    let d3 = null;
    let p3 = null;
    if (web && !web.error) {
      try {
        d3 = await web.decode();
        p3 = await web.prompt();
      } catch (e) {
        web.error = String(e?.message ?? e).split('\n')[0];
        console.log(`  wllama failed: ${web.error}`);
      }
    }
    idsOurs = d1.ids;
    idsPeer = d2.ids.slice(0, 16);
    if (r === 0) continue;
    runs.ours.decode.push(d1.tokensPerSecond);
    runs.ours.prompt.push(p1.tokensPerSecond);
    runs.nodeLlamaCpp.decode.push(d2.tokensPerSecond);
    runs.nodeLlamaCpp.prompt.push(p2.tokensPerSecond);
    rounds.decodeRatioVsNodeLlamaCpp.push(d1.tokensPerSecond / d2.tokensPerSecond);
    const [cpuOurs, cpuPeer] = [DECODE / d1.cpuSeconds, d2.tokens / d2.cpuSeconds];
    rounds.decodeTokensPerCpuSecond.ours.push(cpuOurs);
    rounds.decodeTokensPerCpuSecond.nodeLlamaCpp.push(cpuPeer);
    rounds.decodeCpuRatioVsNodeLlamaCpp.push(cpuOurs / cpuPeer);
    if (d3) runs.wllama.decode.push(d3.tokensPerSecond);
    if (p3) runs.wllama.prompt.push(p3.tokensPerSecond);
    console.log(`  run ${r}: decode ours ${d1.tokensPerSecond.toFixed(1)}, node-llama-cpp ${d2.tokensPerSecond.toFixed(1)}${d3 ? `, wllama ${d3.tokensPerSecond.toFixed(1)}` : ''} tok/s; prompt ours ${p1.tokensPerSecond.toFixed(1)}, node-llama-cpp ${p2.tokensPerSecond.toFixed(1)}${p3 ? `, wllama ${p3.tokensPerSecond.toFixed(1)}` : ''} tok/s`);
  }
  await peer.dispose();
  await web?.dispose?.().catch(() => {});
  web = null;
  model.dispose();
  const med = (xs) => (xs.length ? median(xs) : null);
  const memory = residentMemory(path);
  const row = {
    model: `r42m-${type}`,
    fileBytes: statSync(path).size,
    decodeTokensPerSecond: { ours: med(runs.ours.decode), nodeLlamaCpp: med(runs.nodeLlamaCpp.decode), wllama: med(runs.wllama.decode) },
    promptTokensPerSecond: { ours: med(runs.ours.prompt), nodeLlamaCpp: med(runs.nodeLlamaCpp.prompt), wllama: med(runs.wllama.prompt) },
    decodeRatio: {
      vsNodeLlamaCpp: med(runs.ours.decode) / med(runs.nodeLlamaCpp.decode),
      vsNodeLlamaCppMedianOfRounds: med(rounds.decodeRatioVsNodeLlamaCpp),
      vsNodeLlamaCppLowestRound: Math.min(...rounds.decodeRatioVsNodeLlamaCpp),
      vsNodeLlamaCppPerCpuSecond: med(rounds.decodeCpuRatioVsNodeLlamaCpp),
      vsWllama: runs.wllama.decode.length ? med(runs.ours.decode) / med(runs.wllama.decode) : null,
    },
    promptRatio: { vsNodeLlamaCpp: med(runs.ours.prompt) / med(runs.nodeLlamaCpp.prompt), vsWllama: runs.wllama.prompt.length ? med(runs.ours.prompt) / med(runs.wllama.prompt) : null },
    decodeTokensPerCpuSecond: { ours: med(rounds.decodeTokensPerCpuSecond.ours), nodeLlamaCpp: med(rounds.decodeTokensPerCpuSecond.nodeLlamaCpp) },
    firstGreedyIds: { ours: idsOurs, nodeLlamaCpp: idsPeer },
    runs,
    rounds,
    oursResidentMemory: memory,
    wllamaError: wllama.error ?? web?.error ?? null,
  };
  console.log(JSON.stringify({ model: row.model, decode: row.decodeTokensPerSecond, prompt: row.promptTokensPerSecond, rssLoadedOverFile: memory.loadedOverFile.toFixed(3) }));
  results.push(row);
}
await wllama.close?.();

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({
  bench: 'quant',
  date: new Date().toISOString(),
  node: process.version,
  threads: 1,
  oursEngineStats: backend.engineStats(),
  note: 'r42m decode tok/s (128 greedy tokens after an 8-token prompt) and prompt tok/s (128 tokens), medians of interleaved runs; the machine is shared (2 cores, other jobs running), so ratios in one run matter more than absolute numbers. decodeRatio.vsNodeLlamaCpp is the ratio of the medians (the bar); vsNodeLlamaCppMedianOfRounds and vsNodeLlamaCppLowestRound compare the two decodes of each round; vsNodeLlamaCppPerCpuSecond compares tokens per CPU-second of this process over each decode (process.cpuUsage; both run in this process on one thread), less disturbed by other jobs than wall time. oursResidentMemory: see residentMemoryMethod.',
  residentMemoryDate: new Date().toISOString(),
  residentMemoryNode: process.version,
  residentMemoryMethod: RESIDENT_MEMORY_METHOD,
  results,
}, null, 2)}\n`);
console.log(`wrote ${out}`);
