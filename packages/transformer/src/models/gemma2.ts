/**
 * Gemma 2 (Google DeepMind 2024): Gemma with sandwich norms, soft-capping and local/global layers.
 *
 *   x = embed(ids) · √dim                                     // [batch, seq, dim]
 *   for each block l:
 *     a = attention(rmsNorm(x))                               // scores: cap_a · tanh(q·kᵀ · scale / cap_a);
 *                                                             // even l: a sliding window (local), odd l: global
 *     x = x + rmsNorm_post(a)                                 // the sublayer's output is normalised too
 *     x = x + rmsNorm_post(down(gelu_tanh(gate(rmsNorm(x))) ⊙ up(rmsNorm(x))))
 *   logits = cap_f · tanh(rmsNorm(x) · Eᵀ / cap_f)            // tied head, soft-capped (DecoderModel)
 *
 * The query scale is 1/√headDim for the 2B and 9B models and 1/√(dim / heads) for 27B (query_pre_attn_scalar
 * in config.json; llama.cpp picks it by layer count). As in Gemma, the norm weights read here hold 1 + w.
 */
import type { WeightSource } from '../loaders/weight-source';
import { buildDecoder } from './build-decoder';
import type { DecoderConfig } from './decoder-config';
import type { DecoderModel } from './decoder-model';

/**
 * A Gemma 2 model from Hugging Face-named weights whose norms hold 1 + w.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { gemma2Model, readGgufModel, type DecoderConfig } from '@transformer-kit/transformer';
 * const { config, weights } = readGgufModel(readFileSync('../shared/models/families/gemma2-tiny.gguf'));
 * const c = config as DecoderConfig;
 * const model = gemma2Model(c, weights);
 * console.log(model.layers, c.slidingWindow, c.attentionSoftCap, c.finalSoftCap); // 26 16 5 2
 * ```
 */
export function gemma2Model(config: DecoderConfig, weights: WeightSource): DecoderModel {
  return buildDecoder(config, weights, {
    embeddingScale: Math.sqrt(config.dim),
    block: (l) => ({
      activation: 'gelu_tanh',
      sandwichNorms: true,
      scale: config.queryScale,
      softCap: config.attentionSoftCap,
      window: l % 2 === 0 ? config.slidingWindow : undefined, // layers 0, 2, 4, ... attend within the window; the others see everything
    }),
  });
}
