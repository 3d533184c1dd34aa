/**
 * Gemma 2 (GGUF `gemma2`, config.json `gemma2`). Four norms per layer, named differently in the two formats:
 *
 * | GGUF (blk.N.)          | Hugging Face (model.layers.N.)  |
 * | ---------------------- | ------------------------------- |
 * | attn_norm              | input_layernorm                 |
 * | post_attention_norm    | post_attention_layernorm        |
 * | ffn_norm               | pre_feedforward_layernorm       |
 * | post_ffw_norm          | post_feedforward_layernorm      |
 *
 * (a Llama's `post_attention_layernorm` is its pre-feed-forward norm; Gemma 2's is the attention output's).
 * As in Gemma, GGUF stores 1 + w and Hugging Face w: `fromHfLayout` adds the 1.
 *
 * Query scale: config.json's `query_pre_attn_scalar`^-½; GGUF has no such key, so it is chosen as llama.cpp
 * chooses it, by layer count: 46 layers (27B) → 1/√(dim / heads), anything else → 1/√headDim.
 */
import type { DecoderConfig } from '../../models/decoder-config';
import { gemma2Model } from '../../models/gemma2';
import { decoderConfigFromGguf, decoderConfigFromHf, ggufNumbers, hfNumbers } from './decoder-config-readers';
import { plusOneNorms } from './plus-one-norms';
import type { ModelFamily } from './model-family';

/**
 * The Gemma 2 family for the loaders.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { gemma2Family, readGguf } from '@transformer-kit/transformer';
 * const c = gemma2Family.configFromGguf(readGguf(readFileSync('../shared/models/families/gemma2-tiny.gguf')), 'gemma2-tiny.gguf');
 * console.log(c.queryScale === 1 / Math.sqrt(48), c.slidingWindow, c.attentionSoftCap, c.finalSoftCap); // true 16 5 2
 * ```
 */
export const gemma2Family: ModelFamily = {
  ggufArchitectures: ['gemma2'],
  modelTypes: ['gemma2'],
  ggufNames: { post_attention_norm: 'post_attention_layernorm', ffn_norm: 'pre_feedforward_layernorm', post_ffw_norm: 'post_feedforward_layernorm' },
  configFromGguf(gguf, origin): DecoderConfig {
    const config = decoderConfigFromGguf(gguf, 'gemma2', origin);
    const num = ggufNumbers(gguf, origin);
    const queryScale = 1 / Math.sqrt(config.layers === 46 ? config.dim / config.heads : config.headDim);
    return {
      ...config,
      queryScale,
      slidingWindow: num('attention.sliding_window'),
      attentionSoftCap: num('attn_logit_softcapping', 50),
      finalSoftCap: num('final_logit_softcapping', 30),
    };
  },
  configFromHf(json): DecoderConfig {
    const num = hfNumbers(json, 'gemma2');
    const config = decoderConfigFromHf({ head_dim: 256, ...json }, 'gemma2', true);
    const attentionSoftCap = num('attn_logit_softcapping', 0);
    const finalSoftCap = num('final_logit_softcapping', 0);
    return {
      ...config,
      queryScale: 1 / Math.sqrt(num('query_pre_attn_scalar', config.headDim)),
      slidingWindow: num('sliding_window', 4096),
      ...(attentionSoftCap > 0 ? { attentionSoftCap } : {}),
      ...(finalSoftCap > 0 ? { finalSoftCap } : {}),
    };
  },
  fromHfLayout: plusOneNorms,
  build: gemma2Model,
};
