// Llama 3.1+'s RoPE scaling against llama.cpp: stories260K.gguf with a `rope_freqs.weight` tensor added
// (fixtures/llama-cpp/variant-ggufs.mjs), run by llama.cpp (fixtures/llama-cpp/make-references.mjs).
import { describe, expect, it } from 'vitest';
import { getBackend } from '@transformer-kit/tensor';
import { llama3FrequencyFactors } from '@transformer-kit/positional';
import { llamaConfigFromHf, loadGguf, readGgufLlama, type CausalLM } from '../src/index';
import { greedyDecode } from '../../../test-support/greedy-decode';
import { ggufIo, llamaCppRun, maxProbabilityError } from './llama-cpp-variant';
import { haveShared, readShared } from './shared-data';
// @ts-expect-error: a plain .mjs module shared with the reference script
import { ROPE_FREQS, ropeFreqsGguf } from './fixtures/llama-cpp/variant-ggufs.mjs';

const GGUF = 'models/stories260K/stories260K.gguf';
const build = (factors?: number[]) => ropeFreqsGguf(readShared(GGUF), ggufIo, factors) as Uint8Array;

describe.runIf(haveShared(GGUF))('RoPE frequency scaling (rope_freqs.weight) against llama.cpp', () => {
  const ref = llamaCppRun('rope-freqs');
  const { model } = loadGguf(build(), 'stories260K-rope-freqs.gguf');

  it('reads the divisors into the config', () => {
    expect(readGgufLlama(build()).config.ropeFrequencyFactors).toEqual(ROPE_FREQS);
  });

  it('gives llama.cpp’s next-token probabilities at each of 40 positions within 1e-4', () => {
    expect(maxProbabilityError(model as CausalLM, ref)).toBeLessThanOrEqual(1e-4);
  });

  it('greedy-decodes llama.cpp’s 40 ids with the KV cache', async () => {
    expect(await greedyDecode(model as CausalLM, ref.promptIds, ref.ids.length, getBackend())).toEqual(ref.ids);
  });

  it('is a test of the scaling: without rope_freqs the probabilities are far from llama.cpp’s', () => {
    const { model: plain } = loadGguf(readShared(GGUF), 'stories260K.gguf');
    expect(maxProbabilityError(plain as CausalLM, ref)).toBeGreaterThan(1e-2);
  });

  it('refuses divisors of the wrong count or sign, naming the tensor', () => {
    expect(() => readGgufLlama(build([1, 2, 8]), 'bad.gguf')).toThrow("bad.gguf: tensor 'rope_freqs.weight' has 3 values, but a head rotates 4 pairs");
    expect(() => readGgufLlama(build([1, 2, 0, 8]), 'bad.gguf')).toThrow("bad.gguf: tensor 'rope_freqs.weight'[2] is 0 (a frequency divisor must be a finite number > 0)");
  });
});

describe('rope_scaling in config.json', () => {
  const base = { hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 16, num_attention_heads: 32, num_key_value_heads: 8, vocab_size: 128256, rope_theta: 500000 };
  const llama3 = { rope_type: 'llama3', factor: 32, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 };

  it('turns Llama 3.2’s llama3 scaling into the divisors llama.cpp’s converter writes', () => {
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
