/**
 * One residual block of a transformer: self-attention (the only sublayer that mixes information across
 * positions), optionally cross-attention to an encoder's output, then the position-wise feed-forward, each
 * wrapped in a residual connection and a norm.
 *
 * - post-LN (Vaswani et al. 2017, BERT, `norm_first=False`):  x = norm(x + sublayer(x))
 * - pre-LN (GPT-2, Llama, `norm_first=True`):                 x = x + sublayer(norm(x))
 *
 * Pre-LN keeps an un-normalised residual stream from the embeddings to the last block, which is why deep
 * pre-LN models need a final norm before the head. Gemma 2 also normalises each sublayer's output before it
 * joins the stream ("sandwich" norms): x = x + postNorm(sublayer(norm(x))).
 */
import { add, tidy, type Tensor } from '@transformer-kit/tensor';
import type { KVCacheLayer, MultiHeadAttention, RotateFn } from '@transformer-kit/attention';
import type { FeedForward } from './feed-forward';
import type { Norm } from './norm';

/** Where the norm sits relative to the residual connection. */
export type NormPlacement = 'pre' | 'post';

/** The sublayers of a block. */
export interface TransformerBlockParts {
  readonly placement: NormPlacement;
  readonly selfAttention: MultiHeadAttention;
  readonly selfAttentionNorm: Norm;
  readonly crossAttention?: MultiHeadAttention;
  readonly crossAttentionNorm?: Norm;
  readonly feedForward: FeedForward;
  readonly feedForwardNorm: Norm;
  /** Pre-LN only: normalises the self-attention output before the residual add (Gemma 2). */
  readonly postAttentionNorm?: Norm;
  /** Pre-LN only: normalises the feed-forward output before the residual add (Gemma 2). */
  readonly postFeedForwardNorm?: Norm;
}

/** Per-call options of a block. */
export interface TransformerBlockOptions {
  /** Self-attention mask, broadcastable to [batch, heads, seq, seqK] (bool: true = hidden; float: additive). */
  readonly mask?: Tensor;
  /** Hide future positions in self-attention (a decoder). */
  readonly causal?: boolean;
  /** Rotary position embedding applied to q/k inside self-attention (Llama). */
  readonly rotate?: RotateFn;
  /** This block's slice of a KV cache (generation). */
  readonly cache?: KVCacheLayer;
  /** The encoder's output [batch, srcSeq, dim], for cross-attention. */
  readonly memory?: Tensor;
  /** Cross-attention mask, broadcastable to [batch, heads, seq, srcSeq]. */
  readonly memoryMask?: Tensor;
  /** Also return the attention weights. */
  readonly returnWeights?: boolean;
}

/** A block's output and, when asked for, its attention weights [batch, heads, seqQ, seqK]. */
export interface TransformerBlockOutput {
  readonly output: Tensor;
  readonly selfWeights?: Tensor;
  readonly crossWeights?: Tensor;
}

/**
 * A residual block, pre-LN or post-LN, with optional cross-attention. It owns its sublayers: `dispose()` frees
 * them.
 *
 * @example
 * ```ts
 * import { ones, zeros, randomNormal } from '@transformer-kit/tensor';
 * import { MultiHeadAttention } from '@transformer-kit/attention';
 * import { FeedForward, LayerNorm, TransformerBlock } from '@transformer-kit/transformer';
 * const dim = 8;
 * const w = (out: number, inp: number, seed: number) => ({ weight: randomNormal([out, inp], 0, 0.2, { seed }) });
 * const block = new TransformerBlock({
 *   placement: 'pre', // GPT-2 style: x + attn(norm(x)), then x + ffn(norm(x))
 *   selfAttention: new MultiHeadAttention({ dim, heads: 2 }, { q: w(dim, dim, 1), k: w(dim, dim, 2), v: w(dim, dim, 3), o: w(dim, dim, 4) }),
 *   selfAttentionNorm: new LayerNorm(ones([dim]), zeros([dim])),
 *   feedForward: new FeedForward({ up: w(32, dim, 5), down: w(dim, 32, 6) }, 'gelu'), // the same { weight } as attention's
 *   feedForwardNorm: new LayerNorm(ones([dim]), zeros([dim])),
 * });
 * const { output } = block.forward(randomNormal([1, 4, dim], 0, 1, { seed: 7 }), { causal: true });
 * console.log(output.shape); // [ 1, 4, 8 ]
 * ```
 */
export class TransformerBlock {
  constructor(readonly parts: TransformerBlockParts) {
    if (parts.crossAttention && !parts.crossAttentionNorm) throw new Error('TransformerBlock: cross-attention needs its norm');
    if (parts.placement === 'post' && (parts.postAttentionNorm || parts.postFeedForwardNorm)) {
      throw new Error('TransformerBlock: sublayer output norms (postAttentionNorm, postFeedForwardNorm) need placement "pre"');
    }
  }

  /** x [batch, seq, dim] → [batch, seq, dim]. Intermediates are freed; the caller owns the outputs. */
  forward(x: Tensor, options: TransformerBlockOptions = {}): TransformerBlockOutput {
    const p = this.parts;
    const { mask, causal, rotate, cache, memory, memoryMask } = options;
    const returnWeights = options.returnWeights ?? false;
    if (p.crossAttention && !memory) throw new Error('TransformerBlock: a block with cross-attention needs options.memory (the encoder output)');
    return tidy(() => {
      const attn = (n: Tensor) => p.selfAttention.forward(n, undefined, { mask, causal, rotate, cache, returnWeights });
      const crossAttn = (n: Tensor) => p.crossAttention!.forward(n, memory, { mask: memoryMask, returnWeights }); // keys/values: the encoder's output
      const ffn = (n: Tensor) => ({ output: p.feedForward.forward(n) });
      const self = this.sublayer(x, attn, p.selfAttentionNorm, p.postAttentionNorm); // pre-LN: h = x + attn(norm1(x))
      const cross = p.crossAttention ? this.sublayer(self.output, crossAttn, p.crossAttentionNorm!) : undefined; // h = h + crossAttn(norm2(h))
      const out = this.sublayer(cross?.output ?? self.output, ffn, p.feedForwardNorm, p.postFeedForwardNorm); // h + ffn(norm3(h))
      return { output: out.output, selfWeights: self.weights, crossWeights: cross?.weights };
    });
  }

  /**
   * One sublayer f with its residual connection — pre-LN: x + post(f(norm(x))), post-LN: norm(x + f(x)) — and
   * the attention weights f returned, if any.
   */
  private sublayer(x: Tensor, f: (x: Tensor) => { output: Tensor; weights?: Tensor }, norm: Norm, post?: Norm): { output: Tensor; weights?: Tensor } {
    if (this.parts.placement === 'post') {
      const y = f(x);
      return { output: norm.forward(add(x, y.output)), weights: y.weights };
    }
    const y = f(norm.forward(x));
    return { output: add(x, post ? post.forward(y.output) : y.output), weights: y.weights };
  }

  /** Frees every sublayer's weights. */
  dispose(): void {
    const p = this.parts;
    p.selfAttention.dispose();
    p.selfAttentionNorm.dispose();
    p.crossAttention?.dispose();
    p.crossAttentionNorm?.dispose();
    p.feedForward.dispose();
    p.feedForwardNorm.dispose();
    p.postAttentionNorm?.dispose();
    p.postFeedForwardNorm?.dispose();
  }
}
