import type { Tensor } from '@transformer-kit/tensor';
import type { KVCache } from '@transformer-kit/attention';

/**
 * Options of a forward pass. Introspection (`outputAttentions`, `outputHiddenStates`) changes nothing in the
 * result and costs nothing when not asked for.
 *
 * @example
 * ```ts
 * const out = model.forward(ids, { outputAttentions: true, outputHiddenStates: true });
 * out.attentions![0]; // [batch, heads, seq, seq] of layer 0
 * ```
 */
export interface ForwardOptions {
  /** A cache from `model.createCache()`: the ids are the positions after the ones already cached. */
  readonly cache?: KVCache;
  /** [batch, seq] with 1 for real tokens and 0 for padding (Hugging Face's attention_mask). */
  readonly attentionMask?: Tensor;
  /** Return each layer's attention weights [batch, heads, seqQ, seqK]. */
  readonly outputAttentions?: boolean;
  /** Return the residual stream: the block inputs, then each block's output ([batch, seq, dim] each). */
  readonly outputHiddenStates?: boolean;
  /** Compute logits for the last position only (generation does not need the others). */
  readonly lastPositionOnly?: boolean;
}

/**
 * What a forward pass returns. The caller owns every tensor in it.
 *
 * @example
 * ```ts
 * const { logits } = model.forward(ids); // [batch, seq, vocab]
 * logits.dispose();
 * ```
 */
export interface ModelOutput {
  /** [batch, seq, vocab] (seq = 1 with lastPositionOnly). */
  readonly logits: Tensor;
  /** Per layer: [batch, heads, seqQ, seqK]. */
  readonly attentions?: Tensor[];
  /** layers + 1 entries: the input of block 0, then the output of every block (before the final norm). */
  readonly hiddenStates?: Tensor[];
}

/**
 * A decoder-only language model that `generate` can drive: GPT-2 and Llama implement it.
 *
 * @example
 * ```ts
 * import { generate } from '@transformer-kit/transformer';
 * for await (const token of generate(model, tokenizer, 'Once upon a time')) process.stdout.write(token.text);
 * ```
 */
export interface CausalLM {
  /** 'llama', 'gpt2', ... */
  readonly family: string;
  readonly vocabSize: number;
  /** Context length: a longer sequence is an error. */
  readonly maxSeqLen: number;
  readonly layers: number;
  readonly heads: number;
  /** A KV cache sized for this model (default: the whole context). The caller disposes it. */
  createCache(maxLength?: number): KVCache;
  /** ids int32 [batch, seq] → logits [batch, seq, vocab]. */
  forward(ids: Tensor, options?: ForwardOptions): ModelOutput;
  /** Frees the weights. */
  dispose(): void;
}
