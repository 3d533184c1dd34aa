import type { Tensor } from '@transformer-kit/tensor';
import type { KVCache } from '@transformer-kit/attention';

/**
 * Options of a forward pass. Introspection (`outputAttentions`, `outputHiddenStates`) changes nothing in the
 * result and costs nothing when not asked for.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { tensor } from '@transformer-kit/tensor';
 * import { loadLlama2c } from '@transformer-kit/transformer';
 * const { model, tokenizer } = loadLlama2c(
 *   readFileSync('../shared/models/stories260K/stories260K.bin'),
 *   readFileSync('../shared/models/stories260K/tok512.bin'),
 * );
 * const ids = tensor(tokenizer.encode('Once upon a time'), [1, 5], 'int32');
 * const out = model.forward(ids, { outputAttentions: true, outputHiddenStates: true });
 * console.log(out.attentions!.length, out.attentions![0].shape); // 5 [ 1, 8, 5, 5 ]: per layer [batch, heads, seq, seq]
 * console.log(out.hiddenStates!.length, out.hiddenStates![0].shape); // 6 [ 1, 5, 64 ]: the embeddings, then each block's output
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
 * import { readFileSync } from 'node:fs';
 * import { tensor, argmax } from '@transformer-kit/tensor';
 * import { loadLlama2c } from '@transformer-kit/transformer';
 * const { model, tokenizer } = loadLlama2c(
 *   readFileSync('../shared/models/stories260K/stories260K.bin'),
 *   readFileSync('../shared/models/stories260K/tok512.bin'),
 * );
 * const { logits } = model.forward(tensor(tokenizer.encode('Once upon a'), [1, 4], 'int32')); // [batch, seq, vocab]
 * const next = argmax(logits, -1).dataSync(); // the most likely token after each position
 * console.log(logits.shape, tokenizer.decode([next[3]])); // [ 1, 4, 512 ]  time
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
 * import { readFileSync } from 'node:fs';
 * import { generate, loadLlama2c, type CausalLM } from '@transformer-kit/transformer';
 * const { model, tokenizer } = loadLlama2c(
 *   readFileSync('../shared/models/stories260K/stories260K.bin'),
 *   readFileSync('../shared/models/stories260K/tok512.bin'),
 * );
 * const lm: CausalLM = model; // a llama2.c checkpoint is a decoder, and the loader's type says so: no cast
 * let text = '';
 * for await (const token of generate(lm, tokenizer, 'Once upon a time', { maxTokens: 8, seed: 42 })) text += token.text;
 * console.log(lm.family, lm.maxSeqLen, JSON.stringify(text)); // llama 512 ", there was a little girl"
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
