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
import { TokenEmbedding } from '@transformer-kit/embedding';
import { MultiHeadAttention } from '@transformer-kit/attention';
import { Linear } from '../layers/linear';
import { TransformerBlock } from '../layers/transformer-block';
import type { WeightSource } from '../loaders/weight-source';
import type { DecoderConfig } from './decoder-config';
import { DecoderModel } from './decoder-model';
import { layerWeights } from './layer-weights';

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
  const { dim, hiddenDim, heads, kvHeads, headDim, vocabSize, normEps } = config;
  const w = layerWeights(weights);
  const blocks: TransformerBlock[] = [];
  for (let l = 0; l < config.layers; l++) {
    const p = `model.layers.${l}.`;
    const selfAttention = new MultiHeadAttention(
      { dim, heads, kvHeads, headDim },
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
        selfAttentionNorm: w.rmsNorm(`${p}input_layernorm.weight`, dim, normEps),
        selfAttention,
        feedForwardNorm: w.rmsNorm(`${p}post_attention_layernorm.weight`, dim, normEps),
        feedForward,
      }),
    );
  }
  return new DecoderModel(config, {
    embedding: new TokenEmbedding(w.tensor('model.embed_tokens.weight', [vocabSize, dim]), { scale: Math.sqrt(dim) }),
    blocks,
    norm: w.rmsNorm('model.norm.weight', dim, normEps),
    head: config.tiedEmbeddings ? null : new Linear(w.tensor('lm_head.weight', [vocabSize, dim])),
  });
}
