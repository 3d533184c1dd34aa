/**
 * Qwen2 / Qwen2.5 and Qwen3 (Alibaba): Llama with two changes to attention.
 *
 *   x = embed(ids)                                            // [batch, seq, dim]
 *   for each block:
 *     q, k, v = Wq·n + bq, Wk·n + bk, Wv·n + bv  (n = rmsNorm(x))   // Qwen2: biases on q, k and v
 *     q, k = rmsNorm_q(q), rmsNorm_k(k) per head              // Qwen3: q/k norms, no biases
 *     x = x + Wo · attention(rope(q), rope(k), v)             // GQA, RoPE rotating halves (NEOX)
 *     x = x + down(silu(gate(rmsNorm(x))) ⊙ up(rmsNorm(x)))   // SwiGLU
 *   logits = head(rmsNorm(x))                                 // tied (small models) or separate
 */
import type { WeightSource } from '../loaders/weight-source';
import { buildDecoder } from './build-decoder';
import type { DecoderConfig } from './decoder-config';
import type { DecoderModel } from './decoder-model';

/**
 * A Qwen2 or Qwen3 model (config.family 'qwen2' | 'qwen3') from Hugging Face-named weights.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { qwen2Model, readGgufModel } from '@transformer-kit/transformer';
 * const { config, weights } = readGgufModel(readFileSync('../shared/models/families/qwen2-tiny.gguf'));
 * const model = qwen2Model(config as Parameters<typeof qwen2Model>[0], weights);
 * console.log(model.family, model.layers, model.headDim); // qwen2 3 32
 * ```
 */
export function qwen2Model(config: DecoderConfig, weights: WeightSource): DecoderModel {
  return buildDecoder(config, weights, {
    block: () => ({ activation: 'silu', qkvBias: config.qkvBias ?? config.family === 'qwen2', qkNorm: config.family === 'qwen3' }),
  });
}
