// Resident memory of loading one GGUF with our loader, in a fresh process (run by quant.bench.mjs, or alone:
// `node --expose-gc bench/quant-rss.mjs <file.gguf>`). Prints one JSON line, every figure in bytes, read from
// /proc/self (Linux) at each step:
//   rssStart        the bare process (Node, this script)
//   rssImported     after importing @transformer-kit/tensor and /transformer (their code)
//   rssBefore       after createCpuBackend + setBackend: the engine's fixed cost (its 1 MiB heap, the f32 kernel
//                   module compiled, one scratch block), paid once whatever model is loaded
//   rssLoaded       after `loadGguf(readFileSync(file))` (model + tokenizer) and a settled GC: the file's Buffer
//                   is garbage by then (the weights were copied into the engine's heap)
//   rssPeakLoad     the highest RSS between rssBefore and rssLoaded (VmHWM, reset before the load): the file's
//                   Buffer and the heap's copy of the weights coexist while the model is built
//   rssLoadedIdle   rssLoaded's state after 10 s idle and a GC: V8's memory reducer gives back the young
//                   generation the load grew (the GGUF metadata and the tokenizer are many small objects that
//                   survive), which the settled GC alone does not; informative, the bar is read on rssLoaded
//   rssAfterForward after one 4-token forward with a 256-position KV cache (the cache, the quantized kernel
//                   module compiled on first use, and the worker thread the engine starts for a split kernel)
//   heapWeightBytes the engine heap's bytes in use after the load (the packed weights and float32 norms)
//   heapBytes       the engine heap's size (pages never written are not resident)
//   jsHeapUsed*     V8's used JS heap at rssBefore and rssLoaded (GGUF metadata, tokenizer, model objects)
//   residentBefore/residentLoaded: RSS split by mapping (/proc/self/smaps): `engineHeap` the WebAssembly memory's
//                   mapping (the one whose size is heapBytes), `mallocHeap` glibc's [heap], `fileBacked` code and
//                   read-only data of node and its libraries, `otherAnonymous` the rest (V8's JS heap pages,
//                   thread stacks, malloc's mmapped blocks)
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';

const file = process.argv[2];
if (!file) throw new Error('usage: node --expose-gc bench/quant-rss.mjs <file.gguf>');
if (!globalThis.gc) throw new Error('quant-rss.mjs: run with --expose-gc (RSS is read after a settled GC)');

// NOTE: V8 frees a dead ArrayBuffer's memory (the file's bytes, once the weights are in the heap) on a
// background sweeper after a GC: settle before reading RSS.
async function settle() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const statusKb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
const rss = () => statusKb('VmRSS');
/** RSS by kind of mapping; `heapBytes` picks out the engine heap's mapping by its size. */
function resident(heapBytes) {
  const out = { engineHeap: 0, mallocHeap: 0, fileBacked: 0, otherAnonymous: 0 };
  let kind = null;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const map = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (map) {
      const size = parseInt(map[2], 16) - parseInt(map[1], 16);
      if (map[4] === '[heap]') kind = 'mallocHeap';
      else if (map[3] !== '0') kind = 'fileBacked';
      else if (size === heapBytes && !map[4]) kind = 'engineHeap';
      else kind = 'otherAnonymous';
      continue;
    }
    const rssLine = /^Rss:\s+(\d+) kB/.exec(line);
    if (rssLine && kind) out[kind] += Number(rssLine[1]) * 1024;
  }
  return out;
}
/** Resets VmHWM to the current RSS (Linux ≥ 4.0); false where the kernel refuses. */
function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

await settle();
const rssStart = rss();
const { createCpuBackend, setBackend, tensor } = await import('@transformer-kit/tensor');
const { loadGguf } = await import('@transformer-kit/transformer');
await settle();
const rssImported = rss();
const cpu = createCpuBackend();
setBackend(cpu);
await settle();
const rssBefore = rss();
const residentBefore = resident(cpu.heapStats().heapBytes);
const jsHeapUsedBefore = v8.getHeapStatistics().used_heap_size;
const peakKnown = resetPeak();
// the model and its tokenizer: what a user holds after loading the file
const loaded = loadGguf(readFileSync(file));
const { model } = loaded;
const rssPeakLoad = peakKnown ? statusKb('VmHWM') : null;
await settle();
const rssLoaded = rss();
const jsHeapUsedLoaded = v8.getHeapStatistics().used_heap_size;
const { usedBytes: heapWeightBytes, heapBytes } = cpu.heapStats();
const residentLoaded = resident(heapBytes);
await new Promise((resolve) => setTimeout(resolve, 10_000));
await settle();
const rssLoadedIdle = rss();
const cache = model.createCache(256);
model.forward(tensor([1, 9038, 2501, 263], [1, 4], 'int32'), { cache, lastPositionOnly: true }).logits.dispose();
await settle();
const rssAfterForward = rss();
const { threads, workersAlive } = cpu.engineStats();
console.log(JSON.stringify({
  fileBytes: statSync(file).size, rssStart, rssImported, rssBefore, rssPeakLoad, rssLoaded, rssLoadedIdle, rssAfterForward,
  heapWeightBytes, heapBytes, jsHeapUsedBefore, jsHeapUsedLoaded, residentBefore, residentLoaded, threads,
  workersAliveAfterForward: workersAlive, tokenizerVocab: loaded.tokenizer.vocabSize,
}));
