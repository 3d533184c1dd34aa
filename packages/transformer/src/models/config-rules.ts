/**
 * The rules every model config obeys, whatever file it came from (config.json, a llama2.c header, GGUF
 * metadata): counts and sizes are positive integers, heads divide the width, epsilons are finite and > 0,
 * and the declared context is at most {@link MAX_CONTEXT_LENGTH}. Each refusal names the file, the field as
 * that file spells it, the value and the rule, before any tensor is built.
 */
import type { LlamaConfig } from './llama-config';

/**
 * The longest context a checkpoint may declare: 2^20 = 1,048,576 positions. Larger values are refused rather
 * than trusted (a lying header once made the first forward build rotary tables for 2^28 positions). Real
 * models declare at most 128K–1M today.
 *
 * @example
 * ```ts
 * import { MAX_CONTEXT_LENGTH } from '@transformer-kit/transformer';
 * console.log(MAX_CONTEXT_LENGTH); // 1048576
 * ```
 */
export const MAX_CONTEXT_LENGTH = 2 ** 20;

/** A value as a message shows it: numbers as JavaScript prints them (NaN, Infinity), the rest as JSON. */
function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

/** A positive integer below 2^31, or an error naming the origin, the field and the value. */
export function positiveInteger(origin: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2 ** 31 - 1) {
    throw new Error(`${origin}: ${field} = ${show(value)} must be a positive integer`);
  }
  return value;
}

/** A finite number > 0 (an epsilon, a RoPE base), or an error naming it. */
export function positiveFinite(origin: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`${origin}: ${field} = ${show(value)} must be a finite number > 0`);
  return value;
}

/** A context length: a positive integer of at most MAX_CONTEXT_LENGTH. */
export function contextLength(origin: string, field: string, value: unknown): number {
  const n = positiveInteger(origin, field, value);
  if (n > MAX_CONTEXT_LENGTH) throw new Error(`${origin}: ${field} = ${n} is over the context limit of ${MAX_CONTEXT_LENGTH} positions (2^20)`);
  return n;
}

/** Throws unless `divisor` divides `value` (heads into the width, kv heads into heads). */
export function divides(origin: string, divisorField: string, divisor: number, field: string, value: number): void {
  if (value % divisor !== 0) throw new Error(`${origin}: ${divisorField} = ${divisor} does not divide ${field} = ${value}`);
}

/** How a source spells LlamaConfig's fields (config.json's `hidden_size`, llama2.c's `dim`, GGUF's `llama.embedding_length`). */
export type LlamaFieldNames = Partial<Record<keyof LlamaConfig, string>>;

/** config.json's names of the Llama fields. */
export const HF_LLAMA_FIELDS: LlamaFieldNames = {
  dim: 'hidden_size', hiddenDim: 'intermediate_size', layers: 'num_hidden_layers', heads: 'num_attention_heads', kvHeads: 'num_key_value_heads',
  vocabSize: 'vocab_size', maxSeqLen: 'max_position_embeddings', normEps: 'rms_norm_eps', ropeTheta: 'rope_theta',
};

/** GGUF metadata keys of the Llama fields for an architecture ('llama', 'qwen2', ...). */
export function ggufLlamaFields(arch: string): LlamaFieldNames {
  return {
    dim: `${arch}.embedding_length`, hiddenDim: `${arch}.feed_forward_length`, layers: `${arch}.block_count`, heads: `${arch}.attention.head_count`,
    kvHeads: `${arch}.attention.head_count_kv`, vocabSize: 'token_embd.weight rows', maxSeqLen: `${arch}.context_length`,
    normEps: `${arch}.attention.layer_norm_rms_epsilon`, ropeTheta: `${arch}.rope.freq_base`,
  };
}

/**
 * Checks a LlamaConfig against the rules (see the file comment) and returns it; `names` says how `origin`
 * spells each field, so the error names what the user can find in the file.
 *
 * @example
 * ```ts
 * import { validateLlamaConfig } from '@transformer-kit/transformer';
 * const config = { dim: 64, hiddenDim: 172, layers: 5, heads: 8, kvHeads: 4, vocabSize: 512, maxSeqLen: 2 ** 24, normEps: 1e-5, ropeTheta: 10000, ropeLayout: 'interleaved', tiedEmbeddings: true } as const;
 * try {
 *   validateLlamaConfig(config, 'model.gguf', { maxSeqLen: 'llama.context_length' });
 * } catch (e) {
 *   console.log((e as Error).message); // model.gguf: llama.context_length = 16777216 is over the context limit of 1048576 positions (2^20)
 * }
 * ```
 */
export function validateLlamaConfig<C extends LlamaConfig>(config: C, origin: string, names: LlamaFieldNames = {}): C {
  const n = (k: keyof LlamaConfig) => names[k] ?? k;
  for (const k of ['dim', 'hiddenDim', 'layers', 'heads', 'kvHeads', 'vocabSize'] as const) positiveInteger(origin, n(k), config[k]);
  contextLength(origin, n('maxSeqLen'), config.maxSeqLen);
  positiveFinite(origin, n('normEps'), config.normEps);
  positiveFinite(origin, n('ropeTheta'), config.ropeTheta);
  // NOTE: a family config may give its head width (Gemma: 256 with dim 2048 and 8 heads), so dim / heads need not be it.
  const headDim = (config as { readonly headDim?: number }).headDim;
  if (headDim === undefined) divides(origin, n('heads'), config.heads, n('dim'), config.dim);
  divides(origin, n('kvHeads'), config.kvHeads, n('heads'), config.heads);
  if (headDim !== undefined) {
    positiveInteger(origin, 'the head dimension', headDim);
    if (headDim % 2 !== 0) throw new Error(`${origin}: the head dimension ${headDim} must be even (RoPE turns pairs of dimensions)`);
    return config;
  }
  if ((config.dim / config.heads) % 2 !== 0) throw new Error(`${origin}: the head size ${n('dim')} / ${n('heads')} = ${config.dim / config.heads} must be even (RoPE turns pairs of dimensions)`);
  return config;
}
