/**
 * Gemma 2 (Google DeepMind 2024): Gemma with sandwich norms, soft-capping and local/global layers.
 *
 *   x = embed(ids) · √dim                                     // [batch, seq, dim]
 *   for each block l:
 *     a = attention(rmsNorm(x))                               // scores: cap_a · tanh(q·kᵀ · scale / cap_a);
 *                                                             // even l: a sliding window (local), odd l: global
 *     x = x + rmsNorm_post(a)                                 // the sublayer's output is normalised too
 *     x = x + rmsNorm_post(down(gelu_tanh(gate(rmsNorm(x))) ⊙ up(rmsNorm(x))))
 *   logits = cap_f · tanh(rmsNorm(x) · Eᵀ / cap_f)            // tied head, soft-capped
 *
 * The query scale is 1/√headDim for the 2B and 9B models and 1/√(dim / heads) for 27B (query_pre_attn_scalar
 * in config.json; llama.cpp picks it by layer count). As in Gemma, the norm weights read here hold 1 + w.
 */
import { TokenEmbedding } from '@transformer-kit/embedding';
import { MultiHeadAttention } from '@transformer-kit/attention';
import { Linear } from '../layers/linear';
import { TransformerBlock } from '../layers/transformer-block';
import type { WeightSource } from '../loaders/weight-source';
import type { DecoderConfig } from './decoder-config';
import { DecoderModel } from './decoder-model';
import { layerWeights } from './layer-weights';

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
  const { dim, hiddenDim, heads, kvHeads, headDim, vocabSize, normEps } = config;
  const w = layerWeights(weights);
  const norm = (name: string) => w.rmsNorm(name, dim, normEps);
  const blocks: TransformerBlock[] = [];
  for (let l = 0; l < config.layers; l++) {
    const p = `model.layers.${l}.`;
    const local = l % 2 === 0; // layers 0, 2, 4, ... attend within the window; the others see everything
    const selfAttention = new MultiHeadAttention(
      { dim, heads, kvHeads, headDim, scale: config.queryScale, softCap: config.attentionSoftCap, window: local ? config.slidingWindow : undefined },
      {
        q: w.linear(`${p}self_attn.q_proj`, heads * headDim, dim), // [heads·headDim, dim]
        k: w.linear(`${p}self_attn.k_proj`, kvHeads * headDim, dim),
        v: w.linear(`${p}self_attn.v_proj`, kvHeads * headDim, dim),
        o: w.linear(`${p}self_attn.o_proj`, dim, heads * headDim), // [dim, heads·headDim]
      },
    );
    const feedForward = w.gatedFeedForward(`${p}mlp`, dim, hiddenDim, 'gelu_tanh'); // down(act(gate(x)) ⊙ up(x))
    blocks.push(
      new TransformerBlock({
        placement: 'pre',
        selfAttentionNorm: norm(`${p}input_layernorm.weight`),
        selfAttention,
        postAttentionNorm: norm(`${p}post_attention_layernorm.weight`),
        feedForwardNorm: norm(`${p}pre_feedforward_layernorm.weight`),
        feedForward,
        postFeedForwardNorm: norm(`${p}post_feedforward_layernorm.weight`),
      }),
    );
  }
  return new DecoderModel(config, {
    embedding: new TokenEmbedding(w.tensor('model.embed_tokens.weight', [vocabSize, dim]), { scale: Math.sqrt(dim) }),
    blocks,
    norm: norm('model.norm.weight'),
    head: config.tiedEmbeddings ? null : new Linear(w.tensor('lm_head.weight', [vocabSize, dim])),
  });
}
