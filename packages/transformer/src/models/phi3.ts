/**
 * Phi-3 / Phi-3.5 / Phi-4-mini (Microsoft): Llama with fused matrices and a sliding window.
 *
 *   x = embed(ids)                                            // [batch, seq, dim]
 *   for each block:
 *     q | k | v = Wqkv · rmsNorm(x)                           // one [(heads + 2·kvHeads)·headDim, dim] matrix
 *     x = x + Wo · attention(rope(q), rope(k), v)             // GQA, RoPE rotating halves, sliding window
 *     gate | up = Wgate_up · rmsNorm(x)                       // one [2·hidden, dim] matrix, gate rows first
 *     x = x + down(silu(gate) ⊙ up)                           // SwiGLU
 *   logits = head(rmsNorm(x))
 *
 * The fused matrices are the checkpoint's layout in both GGUF and Hugging Face files; they are split by rows
 * once, here, into the blocks' separate projections. A quantized matrix is split on its packed bytes (a ggml
 * row is whole blocks), so each projection stays in the file's weight type.
 */
import { TokenEmbedding } from '@transformer-kit/embedding';
import { MultiHeadAttention } from '@transformer-kit/attention';
import { FeedForward } from '../layers/feed-forward';
import { Linear } from '../layers/linear';
import { TransformerBlock } from '../layers/transformer-block';
import type { WeightSource } from '../loaders/weight-source';
import type { DecoderConfig } from './decoder-config';
import { DecoderModel } from './decoder-model';
import { layerWeights } from './layer-weights';

/**
 * A Phi-3 model from Hugging Face-named weights (`self_attn.qkv_proj`, `mlp.gate_up_proj`).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { phi3Model, readGgufModel, type DecoderConfig } from '@transformer-kit/transformer';
 * const { config, weights } = readGgufModel(readFileSync('../shared/models/families/phi3-tiny.gguf'));
 * const model = phi3Model(config as DecoderConfig, weights);
 * console.log(model.family, (config as DecoderConfig).slidingWindow); // phi3 2048
 * ```
 */
export function phi3Model(config: DecoderConfig, weights: WeightSource): DecoderModel {
  const { dim, hiddenDim, heads, kvHeads, headDim, vocabSize, normEps } = config;
  const w = layerWeights(weights);
  const blocks: TransformerBlock[] = [];
  for (let l = 0; l < config.layers; l++) {
    const p = `model.layers.${l}.`;
    // [(heads + 2·kvHeads)·headDim, dim], rows q | k | v
    const [q, k, v] = w.rowSplit(`${p}self_attn.qkv_proj.weight`, [heads * headDim, kvHeads * headDim, kvHeads * headDim], dim);
    const selfAttention = new MultiHeadAttention(
      { dim, heads, kvHeads, headDim, window: config.slidingWindow },
      { q: { weight: q }, k: { weight: k }, v: { weight: v }, o: w.linear(`${p}self_attn.o_proj`, dim, heads * headDim) },
    );
    const [gate, up] = w.rowSplit(`${p}mlp.gate_up_proj.weight`, [hiddenDim, hiddenDim], dim); // [2·hidden, dim], rows gate | up
    const feedForward = new FeedForward(
      { gate: new Linear(gate), up: new Linear(up), down: new Linear(w.tensor(`${p}mlp.down_proj.weight`, [dim, hiddenDim])) },
      'silu',
    );
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
