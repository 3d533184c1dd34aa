// Greedy generation speed (256 tokens from BOS, median of 5 runs) and load time, CPU backend, for
//  - stories260K (../shared/models/stories260K/stories260K.bin + tok512.bin), and
//  - a random Llama of ~15M parameters in llama2.c's stories15M shape (dim 288, 6 layers, 6 heads, hidden 768,
//    vocab 32000, seq 256), written by this script as a llama2.c .bin from a fixed seed (with the Llama 2
//    tokenizer ../shared/tokenizers/llama2/tokenizer.bin),
// next to a named peer in the same run: the same Llama forward pass (RMSNorm, RoPE, GQA with a KV cache,
// SwiGLU, greedy argmax) composed from @tensorflow/tfjs ops on its cpu and wasm backends. llama2.c's run.c would
// be the natural peer, but its source is not on this machine and there is no network beyond npm/Debian.
// The peer's greedy tokens are checked against ours (same tokens = same computation).
// Also: per-token time of tokens 16..32 vs 240..256 (flat = the KV cache works) and tensor counts (flat memory), and
// in one more run the attention kernel's share of each, next to the growth of the step's multiply-adds.
// Imports the BUILT packages: npx turbo run build --filter=@transformer-kit/transformer...
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCpuBackend, getBackend, memory, setBackend } from '@transformer-kit/tensor';
import { generate, loadLlama2c } from '@transformer-kit/transformer';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { median } from './lib-bench.mjs';
import { argmaxOf, tf, tfjsLlama } from './lib-tfjs-llama.mjs';
import { randomLlama2cBin } from './random-llama2c.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, '..', '..', 'shared');
const TOKENS = 256;
const RUNS = 5;
const WARMUP_RUNS = 2;

/**
 * Multiply-adds of one decode step at position `pos` (0-based): the weights' (the same every step) and
 * attention's (q·k and p·v over pos + 1 cached positions, growing with the position).
 */
function macsPerToken(c, pos) {
  const headDim = c.dim / c.heads;
  const kvDim = headDim * c.kvHeads;
  const weights = c.layers * (2 * c.dim * c.dim + 2 * kvDim * c.dim + 3 * c.hiddenDim * c.dim) + c.vocabSize * c.dim;
  return { weights, attention: c.layers * c.heads * headDim * (pos + 1) * 2 };
}

/**
 * One greedy run with the backend's fused attention kernel timed on its own: for each [a, b) token window,
 * the per-token milliseconds in attention and in everything else.
 */
async function splitRun(model, tokenizer, windows) {
  const backend = getBackend();
  const fused = backend.attention.bind(backend);
  let inAttention = 0;
  backend.attention = (...args) => {
    const t0 = performance.now();
    try {
      return fused(...args);
    } finally {
      inAttention += performance.now() - t0;
    }
  };
  const stamps = [];
  const attention = [];
  try {
    for await (const t of generate(model, tokenizer, '', { maxTokens: TOKENS, temperature: 0, stopTokens: [] })) {
      void t;
      stamps.push(performance.now());
      attention.push(inAttention);
    }
  } finally {
    delete backend.attention; // the prototype's method again
  }
  const perToken = (series, a, b) => (series[b] - series[a]) / (b - a);
  return windows.map(([a, b]) => {
    const att = perToken(attention, a, b);
    return { attentionMs: att, otherMs: perToken(stamps, a, b) - att };
  });
}

/**
 * Per-token milliseconds in the backend's fused attention kernel and in everything else, at tokens 16-32 and
 * 240-256 (each the median of RUNS greedy runs with the kernel timed on its own), next to how much the step's
 * work grows (attention is the only part of a decode step whose work grows with the position).
 */
async function perTokenSplit(model, tokenizer, config) {
  const windows = { at16to32: [15, 31], at240to256: [TOKENS - 17, TOKENS - 1] };
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await splitRun(model, tokenizer, Object.values(windows)));
  const work = (a, b) => {
    let sum = 0;
    for (let pos = a; pos < b; pos++) {
      const m = macsPerToken(config, pos);
      sum += m.weights + m.attention;
    }
    return sum / (b - a);
  };
  const split = {};
  Object.keys(windows).forEach((name, w) => {
    split[name] = {
      attentionMs: Number(median(runs.map((run) => run[w].attentionMs)).toFixed(4)),
      otherMs: Number(median(runs.map((run) => run[w].otherMs)).toFixed(4)),
    };
  });
  return { ...split, workGrowth240vs16: Number((work(TOKENS - 16, TOKENS) / work(16, 32)).toFixed(3)) };
}

/** Our generation: tokens/s over RUNS runs, per-token times, tensor counts, and the greedy ids. */
async function ours(model, tokenizer, config) {
  const rates = [];
  const early = []; // per run: ms per token over tokens 16-32
  const late = []; // and over 240-256
  let ids = [];
  let tensors = {};
  // NOTE: unmeasured runs first, so V8 has optimised the kernels before the clock starts (the tfjs peer runs
  // without; its first run is within its median of 5).
  for (let w = 0; w < WARMUP_RUNS; w++) {
    for await (const t of generate(model, tokenizer, '', { maxTokens: TOKENS, temperature: 0, stopTokens: [] })) void t;
  }
  for (let r = 0; r < RUNS; r++) {
    const stamps = [];
    const run = [];
    for await (const t of generate(model, tokenizer, '', { maxTokens: TOKENS, temperature: 0, stopTokens: [] })) {
      stamps.push(performance.now());
      run.push(t.id);
      if (stamps.length === 16) tensors.token16 = memory().numTensors;
      if (stamps.length === 200) tensors.token200 = memory().numTensors;
    }
    // llama2.c's convention: the clock starts at the first token (the prompt's forward pass is not counted).
    rates.push(((stamps.length - 1) / (stamps[stamps.length - 1] - stamps[0])) * 1000);
    const window = (a, b) => (stamps[b] - stamps[a]) / (b - a);
    early.push(window(15, 31));
    late.push(window(TOKENS - 17, TOKENS - 1));
    ids = run;
  }
  return {
    tokensPerSecond: Number(median(rates).toFixed(1)),
    runs: rates.map((r) => Number(r.toFixed(1))),
    // each the median over the runs of the mean time per token in the window
    msPerTokenAt16to32: Number(median(early).toFixed(4)),
    msPerTokenAt240to256: Number(median(late).toFixed(4)),
    numTensorsAtToken16: tensors.token16,
    numTensorsAtToken200: tensors.token200,
    perTokenSplit: await perTokenSplit(model, tokenizer, config),
    ids,
  };
}

/** The same Llama in tfjs ops (bench/lib-tfjs-llama.mjs), greedy from BOS, with a KV cache. */
async function tfjsPeer(binBytes, backendName) {
  const llama = await tfjsLlama(binBytes, backendName);
  const rates = [];
  let ids = [];
  for (let r = 0; r < RUNS; r++) {
    llama.reset();
    let token = 1;
    const run = [];
    let start = 0;
    for (let pos = 0; pos < TOKENS; pos++) {
      token = argmaxOf(llama.step([token], pos));
      run.push(token);
      if (pos === 0) start = performance.now();
    }
    rates.push(((TOKENS - 1) / (performance.now() - start)) * 1000);
    ids = run;
  }
  llama.dispose();
  return { backend: backendName, tokensPerSecond: Number(median(rates).toFixed(1)), runs: rates.map((x) => Number(x.toFixed(1))), loadMs: Number(llama.loadMs.toFixed(1)), ids };
}

async function benchModel(name, loadBytes, tokenizerBytes, peerBackends) {
  const loadTimes = [];
  let loaded;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const bytes = loadBytes();
    loaded?.model.dispose();
    loaded = loadLlama2c(bytes, tokenizerBytes);
    loadTimes.push(performance.now() - t0);
  }
  const result = await ours(loaded.model, loaded.tokenizer, loaded.config);
  const bin = loadBytes();
  const peers = [];
  for (const backend of peerBackends) peers.push(await tfjsPeer(bin, backend));
  const ourIds = result.ids;
  delete result.ids;
  const entry = {
    model: name,
    parameters: loaded.model.family === 'llama' ? paramsOf(loaded.config) : undefined,
    loadMs: Number(median(loadTimes).toFixed(1)),
    ours: result,
    peers: peers.map(({ ids, ...p }) => ({ ...p, sameGreedyTokens: ids.every((id, i) => id === ourIds[i]), ratioOursToPeer: Number((result.tokensPerSecond / p.tokensPerSecond).toFixed(2)) })),
  };
  console.log(JSON.stringify(entry, null, 2));
  loaded.model.dispose();
  return entry;
}

function paramsOf(c) {
  const kvDim = (c.dim / c.heads) * c.kvHeads;
  return c.vocabSize * c.dim * (c.tiedEmbeddings ? 1 : 2) + c.layers * (2 * c.dim + 2 * c.dim * c.dim + 2 * kvDim * c.dim + 3 * c.hiddenDim * c.dim) + c.dim;
}

setWasmPaths(join(here, '..', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
setBackend(createCpuBackend());
const results = [];
const stories = join(shared, 'models', 'stories260K');
if (existsSync(join(stories, 'stories260K.bin'))) {
  results.push(await benchModel('stories260K', () => new Uint8Array(readFileSync(join(stories, 'stories260K.bin'))), new Uint8Array(readFileSync(join(stories, 'tok512.bin'))), ['cpu', 'wasm']));
} else {
  console.warn(`skipped stories260K: ${join(stories, 'stories260K.bin')} is missing`);
}
const llama2Tokenizer = join(shared, 'tokenizers', 'llama2', 'tokenizer.bin');
if (existsSync(llama2Tokenizer)) {
  const { bytes } = randomLlama2cBin({ dim: 288, hidden: 768, layers: 6, heads: 6, kvHeads: 6, vocab: 32000, seqLen: 256 }, 1337);
  results.push(await benchModel('random Llama 15M (stories15M shape, seed 1337)', () => bytes.slice(), new Uint8Array(readFileSync(llama2Tokenizer)), ['wasm'])); // tfjs's pure-JS cpu backend needs ~5 min here: wasm only
} else {
  console.warn(`skipped the 15M model: ${llama2Tokenizer} is missing`);
}
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'generate.json'),
  `${JSON.stringify({
    date: new Date().toISOString(),
    node: process.version,
    task: `greedy generation from BOS, ${TOKENS} tokens, median of ${RUNS} runs, CPU; tok/s counts from the first token (llama2.c's convention)`,
    peer: `@tensorflow/tfjs ${tf.version.tfjs} (cpu and wasm backends), the same Llama forward with a KV cache; llama2.c run.c unavailable (no source on this machine)`,
    results,
  }, null, 2)}\n`,
);
