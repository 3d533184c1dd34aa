import { describe, expect, it } from 'vitest';
import { gemma2Family, phi3Family, qwen2Family, readGguf, type GgufFile } from '../src/index';
import { haveShared, readShared } from './shared-data';

// The config rules that the tiny reference files do not reach: Gemma 2 27B's query scale, config.json's null
// soft-caps, Phi-4-mini's partial rotary, and RoPE scaling refused by name.
const hf = { hidden_size: 128, intermediate_size: 256, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 512 };

describe('family configs', () => {
  it('Gemma 2 from config.json: query_pre_attn_scalar, and null soft-caps mean none', () => {
    const c = gemma2Family.configFromHf({ ...hf, model_type: 'gemma2', head_dim: 48, query_pre_attn_scalar: 144, attn_logit_softcapping: null, final_logit_softcapping: 30 });
    expect(c.queryScale).toBe(1 / 12);
    expect(c.attentionSoftCap).toBeUndefined();
    expect(c.finalSoftCap).toBe(30);
    expect(c.headDim).toBe(48);
    expect(gemma2Family.configFromHf({ ...hf, model_type: 'gemma2' }).headDim).toBe(256); // Gemma 2's default head_dim
  });

  it.runIf(haveShared('models/families/gemma2-tiny.gguf'))('Gemma 2 from GGUF: 46 layers (27B) scale queries by 1/√(dim / heads), as llama.cpp does', () => {
    const gguf = readGguf(readShared('models/families/gemma2-tiny.gguf'));
    const as27b: GgufFile = { ...gguf, metadata: { ...gguf.metadata, 'gemma2.block_count': 46 } };
    expect(gemma2Family.configFromGguf(as27b, 'g.gguf').queryScale).toBe(1 / Math.sqrt(128 / 4));
    expect(gemma2Family.configFromGguf(gguf, 'g.gguf').queryScale).toBe(1 / Math.sqrt(48));
  });

  it('Phi-3 partial rotary (Phi-4-mini) and sliding window from config.json', () => {
    const c = phi3Family.configFromHf({ ...hf, model_type: 'phi3', partial_rotary_factor: 0.75, sliding_window: 2047 });
    expect(c).toMatchObject({ headDim: 32, rotaryDim: 24, slidingWindow: 2047, tiedEmbeddings: false });
  });

  it('refuses RoPE scaling by name, in config.json and in GGUF metadata', () => {
    expect(() => phi3Family.configFromHf({ ...hf, model_type: 'phi3', rope_scaling: { type: 'longrope' } })).toThrow("config.json: rope_scaling 'longrope' is not supported (supported: llama3, or none)");
    if (!haveShared('models/families/qwen2-tiny.gguf')) return;
    const gguf = readGguf(readShared('models/families/qwen2-tiny.gguf'));
    const yarn: GgufFile = { ...gguf, metadata: { ...gguf.metadata, 'qwen2.rope.scaling.type': 'yarn' } };
    expect(() => qwen2Family.configFromGguf(yarn, 'Qwen2.5-7B.gguf')).toThrow("Qwen2.5-7B.gguf: RoPE scaling 'yarn' (qwen2.rope.scaling.type) is not supported (supported: none, or Llama 3.1's 'rope_freqs.weight')");
  });

  it('names a missing or malformed config.json number', () => {
    expect(() => qwen2Family.configFromHf({ model_type: 'qwen2', hidden_size: '128' })).toThrow(`config.json: qwen2 needs a number 'hidden_size', got "128"`);
    expect(() => qwen2Family.configFromHf({ model_type: 'qwen2' })).toThrow("config.json: qwen2 needs a number 'hidden_size'");
  });
});
