import { afterEach, describe, expect, it } from 'vitest';
import { CpuBackend, dispose, getBackend, setBackend, zeros } from '@transformer-kit/tensor';
import { loadGguf, loadLlama2c, type CausalLM } from '../src/index';
import { expectSameBits, logitsBits } from './logits-bits';
import { haveShared, readShared } from './shared-data';

// The CPU heap may grow to 4 GiB (wasm32), so tensors past 2 GiB have byte addresses ≥ 2^31: every address the
// kernels and the JavaScript around them compute must stay unsigned there. Each model runs twice on a fresh
// backend: once as usual (low in the heap), once after a 2.4 GB block was allocated first, so that every weight,
// cache and activation lies above 2 GiB. The logits must be the same bits. (A signed `ptr >> 2` in writeSlice
// once dropped the KV cache writes there, and the logits went wrong from the first step.)

const FILLER = 600_000_000; // float32 elements: 2.4 GB below everything else
const PROMPT = [1, 403, 407, 261, 378];

const original = getBackend();
afterEach(() => setBackend(original));

/** Loads and runs the model on a fresh backend of `threads` threads, above `filler` float32s when given. */
function run(load: () => CausalLM, threads: number, filler: number): { bits: Uint32Array[]; allocatedAboveTheBlock: boolean } {
  const cpu = new CpuBackend({ threads });
  setBackend(cpu);
  try {
    const block = filler > 0 ? zeros([filler]) : null;
    const heapBefore = cpu.heapStats().heapBytes;
    const model = load();
    const bits = logitsBits(model, PROMPT);
    // everything the model allocated came after the block: the heap had to grow past it
    const allocatedAboveTheBlock = block !== null && heapBefore >= 2 ** 31 && cpu.heapStats().heapBytes > heapBefore;
    model.dispose();
    if (block) dispose(block);
    return { bits, allocatedAboveTheBlock };
  } finally {
    cpu.destroy();
  }
}

const MODELS: [string, string[], (bytes: Uint8Array[]) => CausalLM][] = [
  ['stories260K (llama2.c, float32)', ['models/stories260K/stories260K.bin'], ([bin]) => loadLlama2c(bin).model as CausalLM],
  ['r42m Q4_K_M (quantized kernels)', ['models/r42m/r42m-Q4_K_M.gguf'], ([gguf]) => loadGguf(gguf, 'r42m-Q4_K_M.gguf').model as CausalLM],
  ...['qwen2', 'phi3', 'gemma', 'gemma2'].map(
    (family) => [`${family}-tiny`, [`models/families/${family}-tiny.gguf`], ([gguf]) => loadGguf(gguf, `${family}-tiny.gguf`).model as CausalLM] as [string, string[], (bytes: Uint8Array[]) => CausalLM],
  ),
];

describe('a CPU heap past 2 GiB', () => {
  for (const [name, files, load] of MODELS) {
    it.runIf(haveShared(...files))(`${name}: the same logits bit for bit with every tensor above 2 GiB, at 1 and 2 threads`, () => {
      const bytes = files.map((file) => readShared(file));
      const low = run(() => load(bytes), 1, 0);
      for (const threads of [1, 2]) {
        const high = run(() => load(bytes), threads, FILLER);
        expect(high.allocatedAboveTheBlock).toBe(true);
        expectSameBits(low.bits, high.bits, `${threads} thread(s), `);
      }
    }, 120_000);
  }
});
