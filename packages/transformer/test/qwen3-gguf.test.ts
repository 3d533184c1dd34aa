// Qwen3 (per-head q/k RMSNorm, no q/k/v biases) against llama.cpp: ../shared has no Qwen3 file, so
// fixtures/llama-cpp/variant-ggufs.mjs makes one from qwen2-tiny.gguf and make-references.mjs runs llama.cpp on it.
import { describe, expect, it } from 'vitest';
import { getBackend } from '@transformer-kit/tensor';
import { loadGguf, readGgufModel, type CausalLM } from '../src/index';
import { greedyDecode } from '../../../test-support/greedy-decode';
import { ggufIo, llamaCppRun, maxProbabilityError } from './llama-cpp-variant';
import { haveShared, readShared } from './shared-data';
// @ts-expect-error: a plain .mjs module shared with the reference script
import { qwen3Gguf } from './fixtures/llama-cpp/variant-ggufs.mjs';

const QWEN2 = 'models/families/qwen2-tiny.gguf';

describe.runIf(haveShared(QWEN2))('a Qwen3 GGUF against llama.cpp', () => {
  const ref = llamaCppRun('qwen3');
  const bytes = qwen3Gguf(readShared(QWEN2), ggufIo) as Uint8Array;
  const { model } = loadGguf(bytes, 'qwen3-tiny.gguf');

  it('reads it as a Qwen3: q/k norms, no biases', () => {
    expect(readGgufModel(bytes).config).toMatchObject({ family: 'qwen3', qkvBias: false });
    expect(model.family).toBe('qwen3');
  });

  it('gives llama.cpp’s next-token probabilities after the prompt and 23 greedy tokens within 1e-4', () => {
    expect(maxProbabilityError(model as CausalLM, ref)).toBeLessThanOrEqual(1e-4);
  });

  it('greedy-decodes llama.cpp’s 24 ids with the KV cache', async () => {
    expect(await greedyDecode(model as CausalLM, ref.promptIds, ref.ids.length, getBackend())).toEqual(ref.ids);
  });
});
