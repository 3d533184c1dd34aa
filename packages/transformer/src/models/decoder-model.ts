/**
 * The shell every non-Llama decoder family shares once its blocks are built: embed, the blocks (causal, with
 * RoPE and the KV cache), final norm, head (tied or not, optionally soft-capped). The family files
 * (qwen2.ts, phi3.ts, gemma.ts, gemma2.ts) build the blocks top to bottom and hand them here.
 */
import { mul, tanh, tidy, type Tensor } from '@transformer-kit/tensor';
import type { TokenEmbedding } from '@transformer-kit/embedding';
import { RotaryEmbedding } from '@transformer-kit/positional';
import { KVCache, type Linear } from '@transformer-kit/attention';
import type { Norm } from '../layers/norm';
import type { TransformerBlock } from '../layers/transformer-block';
import type { CausalLM, ForwardOptions, ModelOutput } from './causal-lm';
import type { DecoderConfig } from './decoder-config';
import { runDecoderStack } from './run-decoder-stack';
import { stepRotation } from './step-rotation';

/** The built layers of a decoder; the model owns them. */
export interface DecoderModelParts {
  /** [vocab, dim]; its `scale` (Gemma: √dim) applies to the lookup, not to a tied head. */
  readonly embedding: TokenEmbedding;
  readonly blocks: readonly TransformerBlock[];
  readonly norm: Norm;
  /** [vocab, dim], or null when the head is the embedding table (tied). */
  readonly head: Linear | null;
}

/**
 * A decoder-only language model made of a family's blocks (see `qwen2Model`, `phi3Model`, `gemmaModel`,
 * `gemma2Model`).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { argmax, tensor } from '@transformer-kit/tensor';
 * import { DecoderModel, readGgufModel } from '@transformer-kit/transformer';
 * const model = readGgufModel(readFileSync('../shared/models/families/qwen2-tiny.gguf')).build();
 * const { logits } = model.forward(tensor([1, 403], [1, 2], 'int32')); // [1, 2, 512]
 * console.log(model instanceof DecoderModel, model.family, logits.shape); // true qwen2 [ 1, 2, 512 ]
 * ```
 */
export class DecoderModel implements CausalLM {
  readonly family: string;
  readonly vocabSize: number;
  readonly maxSeqLen: number;
  readonly layers: number;
  readonly heads: number;
  readonly headDim: number;
  readonly #parts: DecoderModelParts;
  readonly #rotary: RotaryEmbedding;

  constructor(
    readonly config: DecoderConfig,
    parts: DecoderModelParts,
  ) {
    this.family = config.family;
    this.vocabSize = config.vocabSize;
    this.maxSeqLen = config.maxSeqLen;
    this.layers = config.layers;
    this.heads = config.heads;
    this.headDim = config.headDim;
    this.#parts = parts;
    // Called by attention on q [batch, heads, seq, headDim] and k [batch, kvHeads, seq, headDim] before caching.
    this.#rotary = new RotaryEmbedding({ headDim: config.headDim, rotaryDim: config.rotaryDim, theta: config.ropeTheta, frequencyFactors: config.ropeFrequencyFactors, layout: config.ropeLayout, maxLength: config.maxSeqLen });
  }

  createCache(maxLength = this.maxSeqLen): KVCache {
    return new KVCache({ layers: this.layers, kvHeads: this.config.kvHeads, headDim: this.headDim, maxLength: Math.min(maxLength, this.maxSeqLen) });
  }

  forward(ids: Tensor, options: ForwardOptions = {}): ModelOutput {
    const { embedding, blocks, norm, head } = this.#parts;
    const cap = this.config.finalSoftCap;
    const rotation = stepRotation(this.#rotary); // the positions' cos/sin rows, once for every layer
    try {
      return runDecoderStack(blocks, ids, options, this.maxSeqLen, {
        embed: (ids) => embedding.forward(ids), // [batch, seq, dim]
        rotate: rotation.rotate,
        finalNorm: norm,
        // [batch, seq, dim] → [batch, seq, vocab], then cap · tanh(logits / cap) when the family soft-caps.
        head: (x) =>
          tidy(() => {
            const logits = head ? head.forward(x) : embedding.project(x);
            return cap === undefined ? logits : mul(tanh(mul(logits, 1 / cap)), cap);
          }),
      });
    } finally {
      rotation.dispose();
    }
  }

  dispose(): void {
    const { embedding, blocks, norm, head } = this.#parts;
    embedding.dispose();
    for (const b of blocks) b.dispose();
    norm.dispose();
    head?.dispose();
    this.#rotary.dispose();
  }
}
