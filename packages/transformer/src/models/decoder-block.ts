/**
 * The one pre-norm decoder block of the Llama-shaped families (Llama, Qwen2/Qwen3, Phi-3, Gemma, Gemma 2),
 * read from Hugging Face-named weights `model.layers.<l>.*`:
 *
 *   x = x + o(attention(q(n), k(n), v(n)))   n = rmsNorm(x)           // GQA; RoPE comes from the model
 *   x = x + down(act(gate(n)) ⊙ up(n))       n = rmsNorm(x)           // SwiGLU (SiLU) or GeGLU (GELU-tanh)
 *
 * What the families change is an option here, not a copy of the block: biases on q/k/v (Qwen2), per-head
 * q/k norms (Qwen3), fused q|k|v and gate|up matrices (Phi-3), norms on the sublayers' outputs (Gemma 2),
 * and the attention's scale, soft-cap and sliding window.
 */
import { MultiHeadAttention } from '@transformer-kit/attention';
import { FeedForward, type Activation } from '../layers/feed-forward';
import { TransformerBlock } from '../layers/transformer-block';
import type { LayerWeights } from './layer-weights';

/** The sizes a block reads its weights with. */
export interface DecoderBlockSizes {
  readonly dim: number;
  readonly hiddenDim: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly normEps: number;
}

/** How a family's block differs from Llama's. */
export interface DecoderBlockOptions {
  /** The gate's nonlinearity: 'silu' (SwiGLU: Llama, Qwen, Phi-3) or 'gelu_tanh' (GeGLU: Gemma). */
  readonly activation: Activation;
  /** q, k and v have biases (Qwen2). */
  readonly qkvBias?: boolean;
  /** Per-head RMSNorm of q and k before RoPE, `self_attn.{q,k}_norm` (Qwen3). */
  readonly qkNorm?: boolean;
  /** One `self_attn.qkv_proj` [q | k | v rows] and one `mlp.gate_up_proj` [gate | up rows] (Phi-3). */
  readonly fused?: boolean;
  /**
   * Gemma 2's sandwich norms: `post_attention_layernorm` normalises the attention's output, and the
   * feed-forward has `pre_feedforward_layernorm` before and `post_feedforward_layernorm` after.
   */
  readonly sandwichNorms?: boolean;
  /** Multiplier of q·kᵀ. Default 1/√headDim. */
  readonly scale?: number;
  /** Attention-logit soft-capping (Gemma 2). */
  readonly softCap?: number;
  /** Sliding window of this layer's attention (Phi-3, Gemma 2's even layers). */
  readonly window?: number;
}

/**
 * Layer `layer` of a Llama-shaped decoder.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { randomNormal } from '@transformer-kit/tensor';
 * import { decoderBlock, layerWeights, readGgufModel, type DecoderConfig } from '@transformer-kit/transformer';
 * const { config, weights } = readGgufModel(readFileSync('../shared/models/families/gemma2-tiny.gguf'));
 * const c = config as DecoderConfig;
 * const block = decoderBlock(layerWeights(weights), 0, c, { activation: 'gelu_tanh', sandwichNorms: true, softCap: c.attentionSoftCap });
 * const { output } = block.forward(randomNormal([1, 3, c.dim], 0, 1, { seed: 1 }), { causal: true }); // [1, 3, dim]
 * console.log(output.shape); // [ 1, 3, 128 ]
 * ```
 */
export function decoderBlock(w: LayerWeights, layer: number, sizes: DecoderBlockSizes, options: DecoderBlockOptions): TransformerBlock {
  const { dim, hiddenDim, heads, kvHeads, headDim, normEps } = sizes;
  const p = `model.layers.${layer}.`;
  const norm = (name: string) => w.rmsNorm(`${p}${name}.weight`, dim, normEps); // γ [dim]
  const bias = options.qkvBias ?? false;
  let q, k, v;
  if (options.fused) {
    // [(heads + 2·kvHeads)·headDim, dim], rows q | k | v
    [q, k, v] = w.rowSplit(`${p}self_attn.qkv_proj.weight`, [heads * headDim, kvHeads * headDim, kvHeads * headDim], dim).map((weight) => ({ weight }));
  } else {
    q = w.linear(`${p}self_attn.q_proj`, heads * headDim, dim, bias); // [heads·headDim, dim]
    k = w.linear(`${p}self_attn.k_proj`, kvHeads * headDim, dim, bias); // [kvHeads·headDim, dim]
    v = w.linear(`${p}self_attn.v_proj`, kvHeads * headDim, dim, bias);
  }
  const selfAttention = new MultiHeadAttention(
    { dim, heads, kvHeads, headDim, scale: options.scale, softCap: options.softCap, window: options.window, qkNormEps: normEps },
    {
      q,
      k,
      v,
      o: w.linear(`${p}self_attn.o_proj`, dim, heads * headDim), // [dim, heads·headDim]
      qNorm: options.qkNorm ? w.tensor(`${p}self_attn.q_norm.weight`, [headDim]) : undefined,
      kNorm: options.qkNorm ? w.tensor(`${p}self_attn.k_norm.weight`, [headDim]) : undefined,
    },
  );
  let feedForward: FeedForward;
  if (options.fused) {
    const [gate, up] = w.rowSplit(`${p}mlp.gate_up_proj.weight`, [hiddenDim, hiddenDim], dim); // [2·hidden, dim], rows gate | up
    feedForward = new FeedForward({ gate: { weight: gate }, up: { weight: up }, down: w.linear(`${p}mlp.down_proj`, dim, hiddenDim) }, options.activation);
  } else {
    feedForward = w.gatedFeedForward(`${p}mlp`, dim, hiddenDim, options.activation); // down(act(gate(x)) ⊙ up(x))
  }
  const sandwich = options.sandwichNorms ?? false;
  return new TransformerBlock({
    placement: 'pre',
    selfAttentionNorm: norm('input_layernorm'),
    selfAttention,
    postAttentionNorm: sandwich ? norm('post_attention_layernorm') : undefined,
    feedForwardNorm: norm(sandwich ? 'pre_feedforward_layernorm' : 'post_attention_layernorm'),
    feedForward,
    postFeedForwardNorm: sandwich ? norm('post_feedforward_layernorm') : undefined,
  });
}
