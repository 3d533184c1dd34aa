import type { LlamaConfig } from './llama-config';

/** The decoder families built by `DecoderModel` (Llama itself stays `LlamaModel`). */
export type DecoderFamily = 'qwen2' | 'qwen3' | 'phi3' | 'gemma' | 'gemma2';

/**
 * A Llama config plus what the Qwen2/Qwen3, Phi-3 and Gemma families add: a head width of its own, attention
 * biases, q/k norms, a sliding window, soft-capping and a query scale. Every field has one meaning whatever
 * the file (GGUF metadata or config.json); the family's reader fills it in.
 *
 * @example
 * ```ts
 * import type { DecoderConfig } from '@transformer-kit/transformer';
 * const config: DecoderConfig = {
 *   family: 'gemma2', dim: 128, hiddenDim: 256, layers: 26, heads: 4, kvHeads: 2, headDim: 48, vocabSize: 512,
 *   maxSeqLen: 256, normEps: 1e-6, ropeTheta: 10000, ropeLayout: 'halves', tiedEmbeddings: true,
 *   slidingWindow: 16, attentionSoftCap: 5, finalSoftCap: 2, queryScale: 1 / Math.sqrt(48),
 * };
 * ```
 */
export interface DecoderConfig extends LlamaConfig {
  readonly family: DecoderFamily;
  /** Width of one attention head (Gemma: 256 with dim 2048 and 8 heads, so not dim / heads). */
  readonly headDim: number;
  /** Dimensions of each head that RoPE turns (Phi-4-mini: ¾ of headDim). Default headDim. */
  readonly rotaryDim?: number;
  /** The q, k and v projections have biases (Qwen2). */
  readonly qkvBias?: boolean;
  /** Keys the layers with a sliding window of this many positions (Phi-3: every layer; Gemma 2: even layers). */
  readonly slidingWindow?: number;
  /** Attention-logit soft-capping: scores become cap · tanh(scores / cap) (Gemma 2). */
  readonly attentionSoftCap?: number;
  /** Final-logit soft-capping: logits become cap · tanh(logits / cap) (Gemma 2). */
  readonly finalSoftCap?: number;
  /** Multiplier of q·kᵀ. Default 1 / √headDim. */
  readonly queryScale?: number;
}
