// Llama 3.1+'s RoPE scaling against llama.cpp: stories260K.gguf with a `rope_freqs.weight` tensor added
// (fixtures/rope-freqs/rope-freqs-gguf.mjs), run by llama.cpp through node-llama-cpp 3.21.1
// (fixtures/rope-freqs/make-reference.mjs wrote rope-freqs.llama.cpp.json: 40 greedy ids from BOS and the
// next-token probabilities after each position).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getBackend, readGguf, softmax, tensor, tidy, writeGguf } from '@transformer-kit/tensor';
import { llama3FrequencyFactors } from '@transformer-kit/positional';
import { llamaConfigFromHf, loadGguf, readGgufLlama, type CausalLM } from '../src/index';
import { greedyDecode } from '../../../test-support/greedy-decode';
import { haveShared, readShared } from './shared-data';
// @ts-expect-error: a plain .mjs module shared with the reference script
import { ROPE_FREQS, ropeFreqsGguf } from './fixtures/rope-freqs/rope-freqs-gguf.mjs';

const GGUF = 'models/stories260K/stories260K.gguf';
const ref = JSON.parse(readFileSync(new URL('./fixtures/rope-freqs/rope-freqs.llama.cpp.json', import.meta.url), 'utf8')) as {
  ids: number[];
  probabilities: number[][];
};
const build = (factors?: number[]) => ropeFreqsGguf(readShared(GGUF), { readGguf, writeGguf }, factors) as Uint8Array;

/** Next-token probabilities after each of `ids`' positions: [ids.length][vocab]. */
function probabilities(model: CausalLM, ids: number[]): Float32Array[] {
  const p = tidy(() => softmax(model.forward(tensor(Int32Array.from(ids), [1, ids.length], 'int32')).logits).dataSync() as Float32Array);
  const vocab = p.length / ids.length;
  return ids.map((_, i) => p.subarray(i * vocab, (i + 1) * vocab));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe.runIf(haveShared(GGUF))('RoPE frequency scaling (rope_freqs.weight) against llama.cpp', () => {
  const { model } = loadGguf(build(), 'stories260K-rope-freqs.gguf');
  const causal = model as CausalLM;
  const prefix = ref.ids.slice(0, ref.probabilities.length);

  it('reads the divisors into the config', () => {
    expect(readGgufLlama(build()).config.ropeFrequencyFactors).toEqual(ROPE_FREQS);
  });

  it('gives llama.cpp’s next-token probabilities at every one of 40 positions within 1e-4', () => {
    const ours = probabilities(causal, prefix);
    const worst = Math.max(...ours.map((p, i) => maxAbsDiff(p, ref.probabilities[i])));
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it('greedy-decodes llama.cpp’s 40 ids with the KV cache', async () => {
    const ids = await greedyDecode(causal, [ref.ids[0]], ref.ids.length, getBackend());
    expect(ids).toEqual(ref.ids);
  });

  it('is a test of the scaling: without rope_freqs the probabilities are far from llama.cpp’s', () => {
    const { model: plain } = loadGguf(readShared(GGUF), 'stories260K.gguf');
    const ours = probabilities(plain as CausalLM, prefix);
    expect(Math.max(...ours.map((p, i) => maxAbsDiff(p, ref.probabilities[i])))).toBeGreaterThan(1e-2);
  });

  it('refuses divisors of the wrong count or sign, naming the tensor', () => {
    expect(() => readGgufLlama(build([1, 2, 8]), 'bad.gguf')).toThrow("bad.gguf: tensor 'rope_freqs.weight' has 3 values, but a head rotates 4 pairs");
    expect(() => readGgufLlama(build([1, 2, 0, 8]), 'bad.gguf')).toThrow("bad.gguf: tensor 'rope_freqs.weight'[2] is 0 (a frequency divisor must be a finite number > 0)");
  });
});

describe('rope_scaling in config.json', () => {
  const base = { hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 16, num_attention_heads: 32, num_key_value_heads: 8, vocab_size: 128256, rope_theta: 500000 };
  const llama3 = { rope_type: 'llama3', factor: 32, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 };

  it('turns Llama 3.2’s llama3 scaling into the same divisors llama.cpp’s converter writes', () => {
    const config = llamaConfigFromHf({ ...base, rope_scaling: llama3 });
    const expected = llama3FrequencyFactors(64, 500000, { factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 });
    expect(config.ropeFrequencyFactors).toEqual(Array.from(expected));
    expect(config.ropeFrequencyFactors![0]).toBe(1);
    expect(config.ropeFrequencyFactors![31]).toBe(32);
  });

  it('refuses other scaling kinds and incomplete llama3 parameters by name', () => {
    expect(() => llamaConfigFromHf({ ...base, rope_scaling: { rope_type: 'yarn', factor: 4 } })).toThrow("config.json: rope_scaling 'yarn' is not supported (supported: llama3, or none)");
    expect(() => llamaConfigFromHf({ ...base, rope_scaling: { ...llama3, low_freq_factor: undefined } })).toThrow("config.json: rope_scaling of type llama3 needs a number 'low_freq_factor', got undefined");
    expect(llamaConfigFromHf({ ...base, rope_scaling: null }).ropeFrequencyFactors).toBeUndefined();
  });
});
