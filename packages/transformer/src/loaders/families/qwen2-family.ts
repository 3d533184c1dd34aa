/**
 * Qwen2 / Qwen2.5 (GGUF `qwen2`, config.json `qwen2`) and Qwen3 (`qwen3`). Tensor names and layouts are the
 * same in both formats: GGUF keeps Hugging Face's rotate-halves q/k rows (ggml's NEOX RoPE), unlike Llama.
 * Qwen3 adds per-head q/k RMSNorms (`attn_q_norm` = `self_attn.q_norm`) and drops the q/k/v biases.
 */
import type { DecoderConfig } from '../../models/decoder-config';
import { qwen2Model } from '../../models/qwen2';
import { decoderConfigFromGguf, decoderConfigFromHf } from './decoder-config-readers';
import type { ModelFamily } from './model-family';

/**
 * The Qwen2/Qwen3 family for the loaders.
 *
 * @example
 * ```ts
 * import { qwen2Family } from '@transformer-kit/transformer';
 * const c = qwen2Family.configFromHf({ model_type: 'qwen3', hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2,
 *   num_attention_heads: 4, num_key_value_heads: 2, head_dim: 32, vocab_size: 100, tie_word_embeddings: true });
 * console.log(c.family, c.headDim, c.qkvBias); // qwen3 32 false
 * ```
 */
export const qwen2Family: ModelFamily = {
  ggufArchitectures: ['qwen2', 'qwen3'],
  modelTypes: ['qwen2', 'qwen3'],
  configFromGguf(gguf, origin): DecoderConfig {
    const qwen3 = gguf.metadata['general.architecture'] === 'qwen3';
    const config = decoderConfigFromGguf(gguf, qwen3 ? 'qwen3' : 'qwen2', origin);
    return { ...config, qkvBias: gguf.info('blk.0.attn_q.bias') !== undefined };
  },
  configFromHf(json): DecoderConfig {
    const qwen3 = json.model_type === 'qwen3';
    const config = decoderConfigFromHf(json, qwen3 ? 'qwen3' : 'qwen2', false);
    // NOTE: Qwen2's config.json carries sliding_window with use_sliding_window false; llama.cpp ignores it too.
    return { ...config, qkvBias: qwen3 ? json.attention_bias === true : true };
  },
  build: qwen2Model,
};
