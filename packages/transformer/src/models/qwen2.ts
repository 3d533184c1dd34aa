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
import { TokenEmbedding } from '@transformer-kit/embedding';
import { MultiHeadAttention } from '@transformer-kit/attention';
import { Linear } from '../layers/linear';
import { TransformerBlock } from '../layers/transformer-block';
import type { WeightSource } from '../loaders/weight-source';
import type { DecoderConfig } from './decoder-config';
import { DecoderModel } from './decoder-model';
import { layerWeights } from './layer-weights';

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
  const { dim, hiddenDim, heads, kvHeads, headDim, vocabSize, normEps } = config;
  const w = layerWeights(weights);
  const qkNorm = config.family === 'qwen3';
  const bias = config.qkvBias ?? config.family === 'qwen2';
  const blocks: TransformerBlock[] = [];
  for (let l = 0; l < config.layers; l++) {
    const p = `model.layers.${l}.`;
    const selfAttention = new MultiHeadAttention(
      { dim, heads, kvHeads, headDim, qkNormEps: normEps },
      {
        q: w.linear(`${p}self_attn.q_proj`, heads * headDim, dim, bias), // [heads·headDim, dim]
        k: w.linear(`${p}self_attn.k_proj`, kvHeads * headDim, dim, bias), // [kvHeads·headDim, dim]
        v: w.linear(`${p}self_attn.v_proj`, kvHeads * headDim, dim, bias),
        o: w.linear(`${p}self_attn.o_proj`, dim, heads * headDim),
        qNorm: qkNorm ? w.tensor(`${p}self_attn.q_norm.weight`, [headDim]) : undefined,
        kNorm: qkNorm ? w.tensor(`${p}self_attn.k_norm.weight`, [headDim]) : undefined,
      },
    );
    const feedForward = w.gatedFeedForward(`${p}mlp`, dim, hiddenDim, 'silu'); // down(act(gate(x)) ⊙ up(x))
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
    embedding: new TokenEmbedding(w.tensor('model.embed_tokens.weight', [vocabSize, dim])),
    blocks,
    norm: w.rmsNorm('model.norm.weight', dim, normEps),
    head: config.tiedEmbeddings ? null : new Linear(w.tensor('lm_head.weight', [vocabSize, dim])),
  });
}
