import type { RotaryLayout } from '@transformer-kit/tensor';
import { HF_LLAMA_FIELDS, validateLlamaConfig } from './config-rules';
import { ropeFromHf } from './rope-scaling-from-hf';

/**
 * The hyperparameters of a Llama-family decoder, whatever file they came from (config.json, a llama2.c
 * header, GGUF metadata).
 *
 * @example
 * ```ts
 * import type { LlamaConfig } from '@transformer-kit/transformer';
 * const config: LlamaConfig = {
 *   dim: 64, hiddenDim: 172, layers: 5, heads: 8, kvHeads: 4, vocabSize: 512, maxSeqLen: 512,
 *   normEps: 1e-5, ropeTheta: 10000, ropeLayout: 'interleaved', tiedEmbeddings: true,
 * };
 * ```
 */
export interface LlamaConfig {
  /** Width of the residual stream. */
  readonly dim: number;
  /** Width of the SwiGLU feed-forward's hidden layer. */
  readonly hiddenDim: number;
  readonly layers: number;
  /** Query heads. */
  readonly heads: number;
  /** Key/value heads (fewer than `heads` for grouped-query attention). */
  readonly kvHeads: number;
  readonly vocabSize: number;
  /** The context length: positions past it are an error. */
  readonly maxSeqLen: number;
  /** RMSNorm epsilon. */
  readonly normEps: number;
  /** RoPE base frequency θ. */
  readonly ropeTheta: number;
  /**
   * Divisors of the RoPE frequencies, one per rotated pair (Llama 3.1+'s scaling: a GGUF's `rope_freqs.weight`,
   * a config.json `rope_scaling` of type `llama3`). Absent for plain RoPE.
   */
  readonly ropeFrequencyFactors?: readonly number[];
  /**
   * How q/k rows are paired for rotation: 'interleaved' (llama2.c, Meta, GGUF) or 'halves' (Hugging Face),
   * which is a property of the checkpoint: converters permute q/k rows between the two.
   */
  readonly ropeLayout: RotaryLayout;
  /** The output head reuses the token embedding (no separate `lm_head.weight`). */
  readonly tiedEmbeddings: boolean;
}

/**
 * A LlamaConfig from a Hugging Face `config.json` (`model_type: "llama"`).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { llamaConfigFromHf } from '@transformer-kit/transformer';
 * const config = llamaConfigFromHf(JSON.parse(readFileSync('../shared/fixtures/models/llama-tiny/config.json', 'utf8')));
 * console.log(config.heads, config.kvHeads, config.ropeLayout, config.tiedEmbeddings); // 4 2 halves false
 * ```
 */
export function llamaConfigFromHf(json: Record<string, unknown>): LlamaConfig {
  const num = (key: string, fallback?: number): number => {
    const v = json[key];
    if (typeof v === 'number') return v;
    if (fallback !== undefined) return fallback;
    throw new Error(`config.json: llama needs a number '${key}'`);
  };
  const heads = num('num_attention_heads');
  return validateLlamaConfig({
    dim: num('hidden_size'),
    hiddenDim: num('intermediate_size'),
    layers: num('num_hidden_layers'),
    heads,
    kvHeads: num('num_key_value_heads', heads),
    vocabSize: num('vocab_size'),
    maxSeqLen: num('max_position_embeddings', 2048),
    normEps: num('rms_norm_eps', 1e-6),
    ...ropeFromHf(json, num('hidden_size') / heads),
    ropeLayout: 'halves',
    tiedEmbeddings: json.tie_word_embeddings === true,
  }, 'config.json', HF_LLAMA_FIELDS);
}
