import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from './max-abs-diff';
import { getBackend, setBackend, tensor, type Backend, type TensorHandle } from '@transformer-kit/tensor';
import { loadGguf, readGgufModel, type CausalLM, type DecoderConfig } from '../src/index';
import { float64GemmaLogits, geluFloat16Table, geluTanh, roundToFloat16 } from './float64-gemma-forward';
import { haveShared, readShared, shared } from './shared-data';

// Where Gemma 2's 1.2e-3 against llama.cpp (families-gguf.test.ts) comes from. The same tiny GGUFs are run a
// third time, by the float64 loops of float64-gemma-forward.ts: the model's exact math. Ours is within 1e-5 of it;
// llama.cpp's logits are 6.5e-4 (Gemma) and 1.2e-3 (Gemma 2) away, and the float64 run with ggml's float16 GELU
// table in place of GELU reproduces llama.cpp's Gemma logits to 1e-6. Our own float32 engine with that table put in
// place of its GELU (in this test only, through a backend that overrides `gelu`) lands within 1e-5 of llama.cpp on
// Gemma and within 1e-3 on Gemma 2. And with the table, Gemma 2's logits move by more than 1e-4 when GELU's inputs
// move by 1e-7 (less than a float32 rounding): llama.cpp's Gemma 2 logits carry that much from its own float32
// order of operations, which no other implementation reproduces.

/** The CPU backend with ggml's float16 GELU table (geluFloat16Table) as its tanh GELU: a stand-in for llama.cpp's. */
function withGgmlGeluTable(cpu: Backend): Backend {
  const gelu = (x: TensorHandle, approximate: 'none' | 'tanh') => {
    if (approximate !== 'tanh') throw new Error(`withGgmlGeluTable: GELU '${approximate}' has no ggml table here`);
    const values = cpu.readSync!(x.dataId, x.shape, 'float32') as Float32Array;
    return cpu.upload(Float32Array.from(values, geluFloat16Table), x.shape, 'float32');
  };
  return new Proxy(cpu, {
    get(target, key) {
      if (key === 'gelu') return gelu;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('roundToFloat16', () => {
  it('rounds to float16’s grid with ties to even, subnormals included', () => {
    expect(roundToFloat16(1 + 2 ** -11)).toBe(1); // a tie between 1 and 1 + 2⁻¹⁰: the even one
    expect(roundToFloat16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9); // a tie between 1 + 2⁻¹⁰ and 1 + 2⁻⁹: the even one
    expect(roundToFloat16(0.1)).toBe(0.0999755859375); // float16 0x2E66
    expect(roundToFloat16(-3.14159)).toBe(-3.140625); // float16 0xC248
    expect(roundToFloat16(2 ** -24 * 1.4)).toBe(2 ** -24); // the smallest subnormal
    expect(roundToFloat16(65504)).toBe(65504);
  });
});

for (const family of ['gemma', 'gemma2'] as const) {
  const files = [`models/families/${family}-tiny.gguf`, `models/families/${family}-tiny.llama.cpp.json`];
  describe.runIf(haveShared(...files))(`${family}-tiny.gguf in float64`, () => {
    const ref = JSON.parse(readFileSync(shared(files[1]).path, 'utf8')) as { prompt_ids: number[]; logits_after_prompt: number[] };
    const bytes = readShared(files[0]);
    const { config, weights } = readGgufModel(bytes);
    const c = config as DecoderConfig;
    const exact = float64GemmaLogits(c, weights, ref.prompt_ids, geluTanh);
    const llamaCpp = ref.logits_after_prompt;

    it('has a prompt inside the sliding window, so the float64 run may attend to the whole prefix', () => {
      expect(ref.prompt_ids.length).toBeLessThanOrEqual(c.slidingWindow ?? Infinity);
    });

    it('our float32 logits are within 1e-5 of the float64 model', () => {
      const { model } = loadGguf(bytes, `${family}-tiny.gguf`);
      const { logits } = (model as CausalLM).forward(tensor(Int32Array.from(ref.prompt_ids), [1, ref.prompt_ids.length], 'int32'), { lastPositionOnly: true });
      const err = maxAbsDiff(logits.dataSync(), exact);
      console.log(`${family}-tiny.gguf: ours ${err.toExponential(2)} from float64, llama.cpp ${maxAbsDiff(llamaCpp, exact).toExponential(2)}`);
      expect(err).toBeLessThanOrEqual(1e-5);
      model.dispose();
    });

    it('llama.cpp’s logits are further than 5e-4 from the float64 model', () => {
      expect(maxAbsDiff(llamaCpp, exact)).toBeGreaterThan(5e-4);
    });

    it('ggml’s float16 GELU table in the float64 run moves it towards llama.cpp', () => {
      const withTable = float64GemmaLogits(c, weights, ref.prompt_ids, geluFloat16Table);
      const err = maxAbsDiff(withTable, llamaCpp);
      console.log(`${family}-tiny.gguf: float64 with ggml's float16 GELU table ${err.toExponential(2)} from llama.cpp`);
      // Gemma: the table is the whole difference. Gemma 2 (26 layers whose post-norms pass each rounding on at full
      // weight) keeps 5e-4: the table's steps turn float32-vs-float64 differences into float16 roundings that go
      // the other way (the last test of this block).
      expect(err).toBeLessThanOrEqual(family === 'gemma' ? 1e-5 : 6e-4);
      expect(err).toBeLessThan(maxAbsDiff(exact, llamaCpp) / 2);
    });

    it('our float32 engine with ggml’s float16 GELU table in place of GELU lands near llama.cpp', () => {
      const cpu = getBackend();
      setBackend(withGgmlGeluTable(cpu));
      try {
        const { model } = loadGguf(bytes, `${family}-tiny.gguf`);
        const { logits } = (model as CausalLM).forward(tensor(Int32Array.from(ref.prompt_ids), [1, ref.prompt_ids.length], 'int32'), { lastPositionOnly: true });
        const err = maxAbsDiff(logits.dataSync(), llamaCpp);
        console.log(`${family}-tiny.gguf: ours with ggml's float16 GELU table ${err.toExponential(2)} from llama.cpp`);
        expect(err).toBeLessThanOrEqual(family === 'gemma' ? 1e-5 : 1e-3);
        model.dispose();
      } finally {
        setBackend(cpu);
      }
    });

    it('with the float16 table, a change below float32’s rounding in GELU’s inputs moves the logits (Gemma 2: by > 1e-4)', () => {
      const withTable = float64GemmaLogits(c, weights, ref.prompt_ids, geluFloat16Table);
      const nudged = float64GemmaLogits(c, weights, ref.prompt_ids, (x) => geluFloat16Table(x * (1 + 1e-7)));
      const moved = maxAbsDiff(nudged, withTable);
      console.log(`${family}-tiny.gguf: float64 with the table, GELU inputs × (1 + 1e-7): logits move ${moved.toExponential(2)}`);
      if (family === 'gemma2') expect(moved).toBeGreaterThan(1e-4);
      // exact GELU has no such steps: the same nudge moves the exact logits by less than 1e-6
      expect(maxAbsDiff(float64GemmaLogits(c, weights, ref.prompt_ids, (x) => geluTanh(x * (1 + 1e-7))), exact)).toBeLessThan(1e-6);
    });
  });
}
