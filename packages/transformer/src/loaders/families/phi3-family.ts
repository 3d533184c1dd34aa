/**
 * Phi-3 / Phi-3.5 / Phi-4-mini (GGUF `phi3`, config.json `phi3`). Both formats keep the fused matrices:
 * `attn_qkv` = `self_attn.qkv_proj` [(heads + 2·kvHeads)·headDim, dim] with rows q | k | v, and
 * `ffn_up` = `mlp.gate_up_proj` [2·hidden, dim] with rows gate | up (GGUF's name says "up" but it holds both);
 * the model splits them by rows. RoPE rotates halves in both.
 *
 * The sliding window (`phi3.attention.sliding_window`, config.json `sliding_window`) is applied as Hugging
 * Face's Phi3 applies it. NOTE: llama.cpp currently disables Phi-3's window (ggml-org/llama.cpp#13676), so the
 * two differ past the window (2047 positions for Phi-3-mini); the reference here (window 2048, context 256)
 * does not reach it.
 */
import type { DecoderConfig } from '../../models/decoder-config';
import { phi3Model } from '../../models/phi3';
import { decoderConfigFromGguf, decoderConfigFromHf, ggufNumbers, hfNumbers } from './decoder-config-readers';
import type { ModelFamily } from './model-family';

const window = (w: number) => (w > 0 ? { slidingWindow: w } : {});

/**
 * The Phi-3 family for the loaders.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { phi3Family, readGguf } from '@transformer-kit/transformer';
 * const c = phi3Family.configFromGguf(readGguf(readFileSync('../shared/models/families/phi3-tiny.gguf')), 'phi3-tiny.gguf');
 * console.log(c.family, c.slidingWindow, c.tiedEmbeddings); // phi3 2048 false
 * ```
 */
export const phi3Family: ModelFamily = {
  ggufArchitectures: ['phi3'],
  modelTypes: ['phi3'],
  ggufNames: { ffn_up: 'mlp.gate_up_proj' },
  configFromGguf(gguf, origin): DecoderConfig {
    if (gguf.info('rope_factors_long.weight')) throw new Error(`${origin}: Phi-3 LongRoPE (rope_factors_long) is not supported (only unscaled RoPE)`);
    return { ...decoderConfigFromGguf(gguf, 'phi3', origin), ...window(ggufNumbers(gguf, origin)('attention.sliding_window', 0)) };
  },
  configFromHf(json): DecoderConfig {
    return { ...decoderConfigFromHf(json, 'phi3', false), ...window(hfNumbers(json, 'phi3')('sliding_window', 0)) };
  },
  build: phi3Model,
};
