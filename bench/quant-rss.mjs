// Resident memory of loading one GGUF with our loader, in a fresh process (run by quant.bench.mjs):
// prints JSON { fileBytes, rssBefore, rssLoaded, rssAfterForward } in bytes.
/* global process, console, setTimeout */
import { readFileSync, statSync } from 'node:fs';
import { createCpuBackend, setBackend, tensor } from '@transformer-kit/tensor';
import { loadGguf } from '@transformer-kit/transformer';

const file = process.argv[2];
setBackend(createCpuBackend());
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
// NOTE: V8 frees a dead ArrayBuffer's memory (the file's bytes, once the weights are adopted) on a background
// sweeper after a GC: settle before reading RSS.
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
const { model } = loadGguf(readFileSync(file));
await settle();
const rssLoaded = process.memoryUsage().rss;
const cache = model.createCache(256);
model.forward(tensor([1, 9038, 2501, 263], [1, 4], 'int32'), { cache, lastPositionOnly: true }).logits.dispose();
await settle();
const rssAfterForward = process.memoryUsage().rss;
console.log(JSON.stringify({ fileBytes: statSync(file).size, rssBefore, rssLoaded, rssAfterForward }));
