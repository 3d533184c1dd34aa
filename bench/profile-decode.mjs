// A greedy decode loop to profile or time the CPU engine alone (issue #13): rounds of 128 tokens after BOS on
// one model until `seconds` pass, printing the median and best round's tokens/s and the tokens per second of CPU
// time the process used (steadier than wall time on this shared machine), and the rate of the median single step
// (gemv-roofline's "step rate"), so the loop's own per-token cost shows in one process. Not a benchmark (no peer, no JSON):
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile-decode.mjs stories260K 8 1   # model, seconds, threads
// A fourth argument `generate` alternates each round with one of the package's generate() (greedy, 128 tokens timed
// from the first it yields; its sampling, logits readback, checks and streaming text included) and prints its rate too.
// The heap is advised into huge pages as the CLI's is (adviseHugePages); PROFILE_HEAP_ADVICE=none leaves it as is.
// Models: stories260K (../shared/models/stories260K) or 15M (bench/random-llama2c.mjs, seed 1337, the Llama 2
// tokenizer), as bench/engine-generate.bench.mjs builds them. Imports the built packages.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCpuBackend, setBackend } from '@transformer-kit/tensor';
import { adviseHugePages } from '@transformer-kit/tensor/node';
import { generate, loadLlama2c } from '@transformer-kit/transformer';
import { greedyStep } from './lib-greedy-step.mjs';
import { randomLlama2cBin } from './random-llama2c.mjs';

const shared = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared');
const [which = 'stories260K', secondsArg = '5', threadsArg = '1', alsoArg = ''] = process.argv.slice(2);
const alsoGenerate = alsoArg === 'generate';
const seconds = Number(secondsArg);
const threads = Number(threadsArg);
if (which !== 'stories260K' && which !== '15M') throw new Error(`profile-decode: model must be stories260K or 15M, got ${which}`);
const advise = process.env.PROFILE_HEAP_ADVICE !== 'none';
const backend = createCpuBackend({ threads, heap: advise ? { advise: adviseHugePages } : {} });
setBackend(backend);
const stories = which === 'stories260K';
const bin = stories
  ? readFileSync(join(shared, 'models/stories260K/stories260K.bin'))
  : randomLlama2cBin({ dim: 288, hidden: 768, layers: 6, heads: 6, kvHeads: 6, vocab: 32000, seqLen: 256 }, 1337).bytes;
const tokenizer = readFileSync(join(shared, stories ? 'models/stories260K/tok512.bin' : 'tokenizers/llama2/tokenizer.bin'));
const loaded = loadLlama2c(bin, tokenizer);
const { model } = loaded;
const TOKENS = 128;
const rates = [];
const steps = [];
const generateRates = [];
let generateSameIds = true;
let firstIds = null;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
while (performance.now() - t0 < seconds * 1000) {
  const cache = model.createCache(TOKENS + 1);
  const ids = [greedyStep(model, cache, [1])];
  const start = performance.now();
  let before = start;
  while (ids.length <= TOKENS) {
    ids.push(greedyStep(model, cache, [ids[ids.length - 1]]));
    const after = performance.now();
    steps.push(after - before);
    before = after;
  }
  rates.push(TOKENS / ((performance.now() - start) / 1000));
  firstIds ??= ids.slice(0, 16);
  cache.dispose();
  if (alsoGenerate) {
    const got = [];
    let first = 0;
    for await (const t of generate(model, loaded.tokenizer, '', { maxTokens: TOKENS + 1, temperature: 0, stopTokens: [] })) {
      if (got.length === 0) first = performance.now();
      got.push(t.id);
    }
    generateRates.push(TOKENS / ((performance.now() - first) / 1000));
    generateSameIds &&= got.length === ids.length && got.every((id, i) => id === ids[i]);
  }
}
const cpu = process.cpuUsage(cpu0);
rates.sort((a, b) => a - b);
steps.sort((a, b) => a - b);
generateRates.sort((a, b) => a - b);
console.log(JSON.stringify({
  model: which,
  threads: backend.engineStats().threads,
  heapAdvisedBytes: backend.engineStats().heapAdvisedBytes,
  rounds: rates.length,
  tokensPerSecond: { median: Math.round(rates[rates.length >> 1]), best: Math.round(rates[rates.length - 1]) },
  medianStepPerSecond: Math.round(1000 / steps[steps.length >> 1]),
  // over both loops with `generate`
  tokensPerCpuSecond: Math.round(((rates.length + generateRates.length) * TOKENS) / ((cpu.user + cpu.system) / 1e6)),
  firstIds: firstIds.join(','),
  ...(alsoGenerate ? { generate: { tokensPerSecondMedian: Math.round(generateRates[generateRates.length >> 1]), sameIdsAsTheLoop: generateSameIds } } : {}),
}));
process.exit(0);
