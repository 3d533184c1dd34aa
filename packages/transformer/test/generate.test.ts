import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, memory, setBackend, tensor } from '@transformer-kit/tensor';
import { loadGguf, loadLlama2c, generate, Sampler, type CausalLM, type GenerateOptions } from '../src/index';
import { countingBackend } from './counting-backend';
import { haveShared, readShared } from './shared-data';

const BIN = 'models/stories260K/stories260K.bin';
const GGUF = 'models/stories260K/stories260K.gguf';
const TOK = 'models/stories260K/tok512.bin';
const available = haveShared(BIN, GGUF, TOK, 'models/stories260K/greedy-256.txt', 'models/stories260K/sample-t1-p0.9-seed133742.txt');
const text = (name: string) => new TextDecoder().decode(readShared(`models/stories260K/${name}`));

const original = getBackend();
afterEach(() => {
  setBackend(original);
});

function stories() {
  return loadLlama2c(readShared(BIN), readShared(TOK));
}

async function run(model: CausalLM, tokenizer: Parameters<typeof generate>[1], prompt: string, options: GenerateOptions) {
  const tokens = [];
  for await (const t of generate(model, tokenizer, prompt, options)) tokens.push(t);
  return { tokens, text: tokens.map((t) => t.text).join(''), ids: tokens.map((t) => t.id) };
}

describe.runIf(available)('stories260K reproduces llama2.c', () => {
  // llama2.c prints the pieces, then "\n" (its tok/s line goes to stderr and is not in the file).
  it('greedy from BOS, 256 tokens, from the .bin', async () => {
    const { model, tokenizer } = stories();
    const out = await run(model as CausalLM, tokenizer!, '', { maxTokens: 256, temperature: 0 });
    expect(out.tokens.length).toBe(256);
    expect(out.text + '\n').toBe(text('greedy-256.txt'));
  });

  it('greedy from BOS, 256 tokens, from the .gguf (its own tokenizer from the metadata)', async () => {
    const { model, tokenizer } = loadGguf(readShared(GGUF));
    const out = await run(model as CausalLM, tokenizer!, '', { maxTokens: 256, temperature: 0 });
    expect(out.text + '\n').toBe(text('greedy-256.txt'));
  });

  it('-t 1.0 -p 0.9 -s 133742 with the xorshift sampler', async () => {
    const { model, tokenizer } = stories();
    const out = await run(model as CausalLM, tokenizer!, '', { maxTokens: 256, temperature: 1, topP: 0.9, seed: 133742 });
    expect(out.text + '\n').toBe(text('sample-t1-p0.9-seed133742.txt'));
  });
});

describe.runIf(available)('generation options', () => {
  const { model, tokenizer } = available ? stories() : ({} as ReturnType<typeof stories>);
  const lm = model as CausalLM;

  it('the same seed gives the same tokens, another seed other tokens', async () => {
    const a = await run(lm, tokenizer!, 'Once upon a time', { maxTokens: 40, temperature: 1, seed: 7 });
    const b = await run(lm, tokenizer!, 'Once upon a time', { maxTokens: 40, temperature: 1, seed: 7 });
    const c = await run(lm, tokenizer!, 'Once upon a time', { maxTokens: 40, temperature: 1, seed: 8 });
    expect(a.ids).toEqual(b.ids);
    expect(a.ids).not.toEqual(c.ids);
  });

  it('topK: 1 is greedy at any temperature', async () => {
    const greedy = await run(lm, tokenizer!, 'Lily', { maxTokens: 30, temperature: 0 });
    const k1 = await run(lm, tokenizer!, 'Lily', { maxTokens: 30, temperature: 1.5, topK: 1, seed: 3 });
    expect(k1.ids).toEqual(greedy.ids);
  });

  it('stops at a stop string, yielding the text before it', async () => {
    const reference = text('greedy-256.txt');
    const out = await run(lm, tokenizer!, '', { maxTokens: 256, temperature: 0, stopStrings: ['Lily'] });
    expect(out.text).toBe(reference.slice(0, reference.indexOf('Lily')));
  });

  it('stops at a stop token', async () => {
    const all = await run(lm, tokenizer!, '', { maxTokens: 20, temperature: 0 });
    const out = await run(lm, tokenizer!, '', { maxTokens: 20, temperature: 0, stopTokens: [all.ids[5]] });
    expect(out.ids).toEqual(all.ids.slice(0, all.ids.indexOf(all.ids[5])));
  });

  it('an AbortSignal ends generation between tokens', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const consume = async () => {
      for await (const t of generate(lm, tokenizer!, '', { maxTokens: 100, temperature: 0, signal: controller.signal })) {
        seen.push(t.id);
        if (seen.length === 5) controller.abort(new Error('stop now'));
      }
    };
    await expect(consume()).rejects.toThrow('stop now');
    expect(seen.length).toBe(5);
  });

  it('a prompt longer than the context is a clear error', async () => {
    const long = 'Once upon a time there was a dog. '.repeat(80);
    await expect(run(lm, tokenizer!, long, { maxTokens: 5 })).rejects.toThrow(/the prompt is \d+ tokens, longer than the model's context of 512/);
    expect(() => lm.forward(tensor(new Int32Array(513), [1, 513], 'int32'))).toThrow(/513 positions exceed the model's context of 512/);
  });

  it('generation ends at the context length', async () => {
    const out = await run(lm, tokenizer!, '', { maxTokens: 10_000, temperature: 0, stopTokens: [] });
    expect(out.tokens.length).toBe(512);
    expect(out.tokens[out.tokens.length - 1].position).toBe(512);
  });
});

describe.runIf(available)('the KV cache and memory over a long generation', () => {
  it('each new token costs one position of work (matmul rows) at token 16 as at token 200', async () => {
    const counting = countingBackend();
    setBackend(counting.backend);
    const { model, tokenizer } = stories();
    const rowsAt: number[] = [];
    let last = 0;
    for await (const _t of generate(model as CausalLM, tokenizer!, '', { maxTokens: 210, temperature: 0, stopTokens: [] })) {
      rowsAt.push(counting.matmulRows.value - last);
      last = counting.matmulRows.value;
    }
    // rowsAt[i] is the work done before token i was yielded; token 0 includes the prompt (1 position).
    expect(rowsAt[16]).toBeGreaterThan(0);
    expect(rowsAt[200]).toBe(rowsAt[16]);
    // 5 layers × (q, k, v, o, gate, up, down) + the head, one row each.
    expect(rowsAt[16]).toBe(5 * 7 + 1);
  });

  it('memory().numTensors is the same after token 16 and token 200', async () => {
    const { model, tokenizer } = stories();
    const counts: number[] = [];
    for await (const _t of generate(model as CausalLM, tokenizer!, '', { maxTokens: 201, temperature: 0.8, seed: 1, stopTokens: [] })) {
      counts.push(memory().numTensors);
    }
    expect(counts[200]).toBe(counts[16]);
  });
});

describe('Sampler', () => {
  // probabilities 0.5, 0.3, 0.15, 0.05 as logits
  const logits = Float32Array.from([0.5, 0.3, 0.15, 0.05].map(Math.log));

  it('top-p keeps the smallest prefix whose probability exceeds p', () => {
    const sampler = new Sampler({ temperature: 1, topP: 0.7, seed: 42 });
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(sampler.sample(logits).id);
    expect([...seen].sort()).toEqual([0, 1]);
  });

  it('top-k keeps the k most probable', () => {
    const sampler = new Sampler({ temperature: 1, topK: 3, seed: 42 });
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(sampler.sample(logits).id);
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });

  it('samples in proportion to the probabilities', () => {
    const sampler = new Sampler({ temperature: 1, seed: 5 });
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[sampler.sample(logits).id]++;
    expect(counts.map((c) => Math.round((c / 20000) * 20) / 20)).toEqual([0.5, 0.3, 0.15, 0.05]);
  });

  it('greedy returns the argmax and its softmax probability', () => {
    expect(new Sampler({ temperature: 0 }).sample(logits)).toEqual({ id: 0, probability: expect.closeTo(0.5, 6) });
  });

  it('greedy reads a Float32Array row in place and gives what it gives on the same values in a plain array', () => {
    const row = Float32Array.from({ length: 32000 }, (_, i) => Math.sin(i * 0.37) * 4);
    const before = row.slice();
    const fromFloat32 = new Sampler({ temperature: 0 }).sample(row);
    expect(fromFloat32).toEqual(new Sampler({ temperature: 0 }).sample(Array.from(row)));
    expect(fromFloat32.id).toBe(before.indexOf(Math.max(...before)));
    expect(row).toEqual(before);
    // a plain array is still rounded to float32 first, as llama2.c's float logits are: 1 + 1e-9 ties with 1
    expect(new Sampler({ temperature: 0 }).sample([1, 1 + 1e-9]).id).toBe(0);
  });

  it('the repetition penalty divides positive logits and multiplies negative ones of tokens already seen', () => {
    const x = Float32Array.from([2, 1.5, -1]);
    const sampler = new Sampler({ temperature: 0, repetitionPenalty: 2 });
    expect(sampler.sample(x, [0]).id).toBe(1); // 2 / 2 = 1 < 1.5
    expect(sampler.sample(x, []).id).toBe(0);
  });

  it('rejects bad options', () => {
    expect(() => new Sampler({ topP: 0 })).toThrow(/topP must be in \(0, 1\]/);
    expect(() => new Sampler({ temperature: -1 })).toThrow(/temperature must be ≥ 0/);
    expect(() => new Sampler({ seed: 0 })).toThrow(/seed must be a positive integer/);
  });
});
