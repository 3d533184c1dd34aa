/**
 * Llama (Touvron et al. 2023), the decoder-only family of llama2.c, Meta's Llama 2/3 and TinyLlama:
 *
 *   x = embed(ids)                                       // [batch, seq, dim]
 *   for each block:                                      // pre-norm residual blocks
 *     x = x + attention(rmsNorm(x))                      // grouped-query attention, RoPE on q and k
 *     x = x + down(silu(gate(rmsNorm(x))) ⊙ up(rmsNorm(x)))   // SwiGLU feed-forward
 *   logits = head(rmsNorm(x))                            // head tied to the embedding or separate
 *
 * Positions enter only through the rotation of q and k (no position embedding is added to x), so the KV
 * cache stores rotated keys and a new token costs one position.
 */
import type { Tensor } from '@transformer-kit/tensor';
import { TokenEmbedding } from '@transformer-kit/embedding';
import { RotaryEmbedding } from '@transformer-kit/positional';
import { KVCache, Linear } from '@transformer-kit/attention';
import type { RMSNorm } from '../layers/rms-norm';
import type { TransformerBlock } from '../layers/transformer-block';
import type { WeightSource } from '../loaders/weight-source';
import type { CausalLM, ForwardOptions, ModelOutput } from './causal-lm';
import { validateLlamaConfig } from './config-rules';
import { decoderBlock } from './decoder-block';
import type { LlamaConfig } from './llama-config';
import { layerWeights } from './layer-weights';
import { runDecoderStack } from './run-decoder-stack';
import { stepRotation } from './step-rotation';

/**
 * A Llama model built from a config and a checkpoint's weights (Hugging Face names; see the loaders).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { argmax, tensor } from '@transformer-kit/tensor';
 * import { readLlama2c, LlamaModel } from '@transformer-kit/transformer';
 * const { config, weights } = readLlama2c(readFileSync('../shared/models/stories260K/stories260K.bin'));
 * const model = new LlamaModel(config, weights);
 * const { logits } = model.forward(tensor([1], [1, 1], 'int32')); // BOS → [1, 1, 512]
 * console.log(logits.shape, argmax(logits, -1).dataSync()); // [ 1, 1, 512 ] Int32Array(1) [ 403 ]: 'Once'
 * ```
 */
export class LlamaModel implements CausalLM {
  readonly family = 'llama';
  readonly vocabSize: number;
  readonly maxSeqLen: number;
  readonly layers: number;
  readonly heads: number;
  readonly headDim: number;
  readonly #embedding: TokenEmbedding; // [vocab, dim]
  readonly #blocks: TransformerBlock[];
  readonly #norm: RMSNorm;
  readonly #head: Linear | null; // null: tied to the embedding
  readonly #rotary: RotaryEmbedding;

  constructor(
    readonly config: LlamaConfig,
    weights: WeightSource,
  ) {
    const { dim, heads, vocabSize, normEps } = config;
    // Every loader's config passes here (config.json, llama2.c, GGUF): the same rules, named by origin.
    validateLlamaConfig(config, weights.origin);
    this.vocabSize = vocabSize;
    this.maxSeqLen = config.maxSeqLen;
    this.layers = config.layers;
    this.heads = heads;
    this.headDim = dim / heads;
    const w = layerWeights(weights); // the one place a checkpoint tensor becomes a Tensor (packed or float32)
    this.#embedding = new TokenEmbedding(w.tensor('model.embed_tokens.weight', [vocabSize, dim])); // [vocab, dim]
    // x + attention(rmsNorm(x)), then x + down(silu(gate(rmsNorm(x))) ⊙ up(rmsNorm(x))): the plain decoder block.
    const sizes = { ...config, headDim: this.headDim };
    this.#blocks = Array.from({ length: config.layers }, (_, l) => decoderBlock(w, l, sizes, { activation: 'silu' }));
    this.#norm = w.rmsNorm('model.norm.weight', dim, normEps);
    this.#head = config.tiedEmbeddings ? null : new Linear(w.tensor('lm_head.weight', [vocabSize, dim])); // [vocab, dim]
    // The attention layer calls this on q [batch, heads, seq, headDim] and k [batch, kvHeads, seq, headDim]
    // with the cache length as the offset, before the keys are cached.
    this.#rotary = new RotaryEmbedding({ headDim: this.headDim, theta: config.ropeTheta, frequencyFactors: config.ropeFrequencyFactors, layout: config.ropeLayout, maxLength: config.maxSeqLen });
  }

  createCache(maxLength = this.maxSeqLen): KVCache {
    return new KVCache({ layers: this.layers, kvHeads: this.config.kvHeads, headDim: this.headDim, maxLength: Math.min(maxLength, this.maxSeqLen) });
  }

  forward(ids: Tensor, options: ForwardOptions = {}): ModelOutput {
    const rotation = stepRotation(this.#rotary); // the positions' cos/sin rows, once for every layer
    try {
      return runDecoderStack(this.#blocks, ids, options, this.maxSeqLen, {
        embed: (ids) => this.#embedding.forward(ids), // [batch, seq, dim]
        rotate: rotation.rotate,
        finalNorm: this.#norm,
        // [batch, seq, dim] → [batch, seq, vocab]; a tied head is the embedding table used backwards.
        head: (x) => (this.#head ? this.#head.forward(x) : this.#embedding.project(x)),
      });
    } finally {
      rotation.dispose();
    }
  }

  dispose(): void {
    this.#embedding.dispose();
    for (const b of this.#blocks) b.dispose();
    this.#norm.dispose();
    this.#head?.dispose();
    this.#rotary.dispose();
  }
}
