// Greedy decoding picks on the backend (argmax, its softmax probability and the row's sum read back as three
// numbers), not from a row read into JavaScript: the same ids, the probability of the definition, and a row with
// NaN or ±Infinity still refused by generate with the error that names the position.
import { afterEach, describe, expect, it } from 'vitest';
import { CpuBackend, getBackend, setBackend, tensor, type Tensor } from '@transformer-kit/tensor';
import { generate, greedyOnBackend, loadLlama2c, promptIds, type CausalLM } from '../src/index';
import { countingBackend } from './counting-backend';
import { haveShared, readShared } from './shared-data';

const original = getBackend();
afterEach(() => {
  setBackend(original);
});

/** softmax(row)[argmax] by its definition, in float64 over the float32 values: 1 / Σ e^(x − max). */
function definition(row: Float32Array): { id: number; probability: number } {
  let id = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[id]) id = i;
  let sum = 0;
  for (const v of row) sum += Math.exp(v - row[id]);
  return { id, probability: 1 / sum };
}

describe('greedyOnBackend', () => {
  for (const [name, make] of [['the CPU engine', () => new CpuBackend()], ['the TypeScript kernels', () => new CpuBackend({ wasm: false })]] as const) {
    it(`on ${name}: the argmax and its probability over a 32000-word row, within float32 rounding of the definition`, async () => {
      setBackend(make());
      const row = Float32Array.from({ length: 32000 }, (_, i) => Math.sin(i * 0.37) * 6 + Math.cos(i * 0.011) * 3);
      const want = definition(row);
      const pick = await greedyOnBackend(tensor(row, [1, 1, 32000]));
      expect(pick?.id).toBe(want.id);
      expect(Math.abs(pick!.probability - want.probability) / want.probability).toBeLessThan(1e-5);
    });
  }

  it('ties go to the lowest id, as the sampler breaks them', async () => {
    setBackend(new CpuBackend());
    expect((await greedyOnBackend(tensor([0, 2, 1, 2, 2], [1, 1, 5])))?.id).toBe(1);
    expect((await greedyOnBackend(tensor([-3, -3], [1, 1, 2])))?.probability).toBe(0.5);
  });

  it('is null for a row holding NaN, +Infinity or -Infinity anywhere, and for one whose sum leaves float32', async () => {
    setBackend(new CpuBackend());
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [0, 17, 31999]) {
        const row = new Float32Array(32000).fill(0.25);
        row[at] = bad;
        expect(await greedyOnBackend(tensor(row, [1, 1, 32000]))).toBeNull();
      }
    }
    expect(await greedyOnBackend(tensor([3e38, 3e38, 1], [1, 1, 3]))).toBeNull();
  });

  it('reads back three numbers, not the row', async () => {
    const { backend, readLengths } = countingBackend();
    setBackend(backend);
    const logits = tensor(new Float32Array(32000).fill(1), [1, 1, 32000]);
    expect(await greedyOnBackend(logits)).toEqual({ id: 0, probability: expect.closeTo(1 / 32000, 9) });
    expect(readLengths).toEqual([3]);
  });

  it('takes one position only: other shapes are a RangeError naming the shape', async () => {
    setBackend(new CpuBackend());
    await expect(greedyOnBackend(tensor([9, 0, 0, 0, 0, 1, 0, 0], [1, 2, 4]))).rejects.toThrow(
      "greedyOnBackend: expected one position's logits ([1, 1, vocab]), got shape [1, 2, 4]",
    );
  });
});

/** A model whose every step's logits are `row` (a [1, 1, vocab] tensor made fresh each call). */
function fixedLogitsModel(row: Float32Array): CausalLM {
  const model = {
    vocabSize: row.length,
    maxSeqLen: 64,
    createCache: () => ({ length: 0, maxLength: 64, dispose() {} }),
    forward: () => ({ logits: tensor(row, [1, 1, row.length]) as Tensor }),
  };
  return model as unknown as CausalLM;
}

describe.runIf(haveShared('models/stories260K/stories260K.bin', 'models/stories260K/tok512.bin'))('generate, greedy', () => {
  const { model, tokenizer } = loadLlama2c(readShared('models/stories260K/stories260K.bin'), readShared('models/stories260K/tok512.bin'));

  it('yields the probabilities of the definition over each step’s logits, next to the ids', async () => {
    const got = [];
    for await (const t of generate(model as CausalLM, tokenizer!, 'Once', { maxTokens: 24, temperature: 0 })) got.push(t);
    // the same steps by hand: the whole row read back, its argmax and softmax probability in float64
    const ids = promptIds(tokenizer!, 'Once');
    const cache = (model as CausalLM).createCache(64);
    let input = ids;
    for (const t of got) {
      const { logits } = (model as CausalLM).forward(tensor(Int32Array.from(input), [1, input.length], 'int32'), { cache, lastPositionOnly: true });
      const want = definition((await logits.data()) as Float32Array);
      logits.dispose();
      expect(t.id).toBe(want.id);
      expect(Math.abs(t.probability - want.probability) / want.probability).toBeLessThan(1e-5);
      input = [t.id];
    }
    cache.dispose();
  });

  async function ids(model: CausalLM, maxTokens: number): Promise<{ id: number; probability: number }[]> {
    const out = [];
    for await (const t of generate(model, tokenizer!, 'Once', { maxTokens, temperature: 0 })) out.push({ id: t.id, probability: t.probability });
    return out;
  }

  it('reads three numbers a token, not the row', async () => {
    const { backend, readLengths } = countingBackend();
    setBackend(backend);
    const row = Float32Array.from({ length: 512 }, (_, i) => Math.cos(i * 0.3));
    row[100] = 5; // the pick every step
    const got = await ids(fixedLogitsModel(row), 4);
    await Promise.resolve();
    expect(got.map((t) => t.id)).toEqual([100, 100, 100, 100]);
    expect(readLengths).toEqual([3, 3, 3, 3]);
  });

  it('samples a finite row whose sum overflows float32 through the row path, as before', async () => {
    const row = new Float32Array(512).fill(1);
    row[7] = 3e38;
    row[9] = 3e38; // the sum passes float32's range: greedyOnBackend gives null, the sampler picks
    expect(await ids(fixedLogitsModel(row), 2)).toEqual([{ id: 7, probability: 0.5 }, { id: 7, probability: 0.5 }]);
  });

  it('still refuses logits with -Infinity (or NaN, +Infinity), naming the position, through the row path', async () => {
    for (const bad of [-Infinity, NaN, Infinity]) {
      const row = new Float32Array(512).fill(0.5);
      row[300] = bad;
      const counts = Number.isNaN(bad) ? '1 NaN and 0 infinite' : '0 NaN and 1 infinite';
      const run = async () => {
        for await (const _ of generate(fixedLogitsModel(row), tokenizer!, 'Once', { maxTokens: 4, temperature: 0 })) void _;
      };
      await expect(run()).rejects.toThrow(new RegExp(`^generate: the model's logits for position \\d+ hold ${counts} values of 512: the weights or the computation are broken, refusing to sample$`));
    }
  });
});
