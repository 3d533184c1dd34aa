/**
 * Gemma (Google DeepMind 2024): Llama with a scaled embedding, a GELU gate and wider heads.
 *
 *   x = embed(ids) · √dim                                     // [batch, seq, dim]
 *   for each block:
 *     x = x + attention(rmsNorm(x))                           // GQA (MQA in 2B), RoPE rotating halves,
 *                                                             // headDim 256 ≠ dim / heads
 *     x = x + down(gelu_tanh(gate(rmsNorm(x))) ⊙ up(rmsNorm(x)))   // GeGLU
 *   logits = rmsNorm(x) · Eᵀ                                  // the head is the embedding table
 *
 * Gemma's RMSNorm multiplies by (1 + w). The norm weights read here are that (1 + w) already, as GGUF stores
 * them; the Hugging Face loader adds the 1 (see `loaders/families/gemma-family.ts`).
 */
import type { WeightSource } from '../loaders/weight-source';
import { buildDecoder } from './build-decoder';
import type { DecoderConfig } from './decoder-config';
import type { DecoderModel } from './decoder-model';

/**
 * A Gemma model from Hugging Face-named weights whose norms hold 1 + w.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { gemmaModel, readGgufModel, type DecoderConfig } from '@transformer-kit/transformer';
 * const { config, weights } = readGgufModel(readFileSync('../shared/models/families/gemma-tiny.gguf'));
 * const model = gemmaModel(config as DecoderConfig, weights);
 * console.log(model.family, model.headDim, config.dim / model.heads); // gemma 48 32
 * ```
 */
export function gemmaModel(config: DecoderConfig, weights: WeightSource): DecoderModel {
  return buildDecoder(config, weights, {
    embeddingScale: Math.sqrt(config.dim),
    block: () => ({ activation: 'gelu_tanh' }),
  });
}
