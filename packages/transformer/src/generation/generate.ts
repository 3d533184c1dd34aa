/**
 * Autoregressive generation: encode the prompt, run it once through the model filling the KV cache, then
 * one position per new token — each step feeds only the newest token, so its cost does not grow with a
 * rerun of the sequence (attention still reads the cached positions). One readback per token: the last
 * position's logits, or, for greedy decoding without a repetition penalty, only the argmax, its probability and
 * the row's sum, computed on the backend (greedy-on-backend.ts).
 */
import { tensor, type TensorData } from '@transformer-kit/tensor';
import type { KVCache } from '@transformer-kit/attention';
import type { Tokenizer } from '@transformer-kit/tokenizer';
import type { CausalLM } from '../models/causal-lm';
import { countNonFinite } from '../loaders/finite-weights';
import { greedyOnBackend } from './greedy-on-backend';
import { promptIds } from './prompt-ids';
import { Sampler, type SampledToken, type SamplingOptions } from './sampler';

/** Options of {@link generate}. */
export interface GenerateOptions extends SamplingOptions {
  /** New tokens at most (generation also ends at the model's context). Default 256. */
  readonly maxTokens?: number;
  /**
   * Token ids that end generation (not yielded). Default: the tokenizer's EOS and, for SentencePiece
   * vocabularies, BOS — llama2.c's models mark the start of the next story with BOS, and run.c stops there.
   */
  readonly stopTokens?: readonly number[];
  /** Strings that end generation; the text up to the stop string is yielded. */
  readonly stopStrings?: readonly string[];
  /** Aborts between tokens: the iterator throws the signal's reason. */
  readonly signal?: AbortSignal;
  /** Add the tokenizer's default special tokens (BOS for Llama) to the prompt. Default true. */
  readonly addSpecialTokens?: boolean;
  /**
   * A cache from `model.createCache()` that already holds earlier positions (a chat's past turns): the prompt
   * is fed after them, and the cache keeps every position fed, for the next call. The caller owns and disposes
   * it. The last token yielded is not in it (it was never fed): pass it at the start of the next prompt.
   * Default: a fresh cache for this call, disposed at the end.
   */
  readonly cache?: KVCache;
}

/** One generated token. */
export interface GeneratedToken {
  readonly id: number;
  /** The text this token completes (may be '' while a multi-byte character is incomplete). */
  readonly text: string;
  /** Its probability under the distribution it was sampled from (softmax of logits / temperature). */
  readonly probability: number;
  /** Its absolute position in the sequence. */
  readonly position: number;
}

/**
 * Generates text token by token: encodes the prompt (with BOS for Llama), feeds it once, then samples one
 * token per step, feeding only the newest; yields each token with its text (as a streaming decoder completes
 * it), probability and position. It ends at `maxTokens`, a stop token, a stop string, or the model's context.
 *
 * `options` ({@link GenerateOptions}), each optional:
 *
 * | option | what it does | default |
 * | --- | --- | --- |
 * | `maxTokens` | new tokens at most (the context also ends generation) | 256 |
 * | `temperature` | divides the logits before softmax; 0 = greedy (argmax) | 1 |
 * | `topK` | sample among the k most probable tokens only; 0 = all | all |
 * | `topP` | nucleus: the smallest set of most probable tokens whose probability exceeds p; 1 = off | 1 |
 * | `repetitionPenalty` | > 1 discourages tokens already in the prompt or the output (positive logits ÷ p, negative × p) | 1 |
 * | `seed` | seed of llama2.c's xorshift generator: the same seed, the same tokens | from the clock |
 * | `stopTokens` | ids that end generation (not yielded) | EOS, and BOS for SentencePiece vocabularies (llama2.c) |
 * | `stopStrings` | texts that end generation; the text before the stop string is yielded, the stop string is not | none |
 * | `signal` | an AbortSignal checked between tokens: the iterator throws its reason | none |
 * | `addSpecialTokens` | add the tokenizer's special tokens (BOS) to a string prompt | true |
 * | `cache` | a KV cache holding earlier positions (a chat's past turns): the prompt is fed after them, and the cache keeps them for the next call | a fresh cache per call |
 *
 * Bad input is an error before any token: a prompt longer than the context, an id outside the vocabulary, a
 * missing tokenizer (it says what to pass), `maxTokens` that is not a non-negative integer.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { generate, loadLlama2c } from '@transformer-kit/transformer';
 * // Karpathy's stories260K (llama2.c format) and its 512-token vocabulary
 * const { model, tokenizer } = loadLlama2c(
 *   readFileSync('../shared/models/stories260K/stories260K.bin'),
 *   readFileSync('../shared/models/stories260K/tok512.bin'),
 * );
 * let text = '';
 * for await (const token of generate(model, tokenizer, 'Once upon a time', { maxTokens: 16, temperature: 0 })) {
 *   text += token.text; // or process.stdout.write(token.text) as the tokens arrive
 * }
 * console.log(text); // , there was a little girl named Lily. She loved to play
 * ```
 */
export async function* generate(
  model: CausalLM,
  tokenizer: Tokenizer,
  prompt: string | readonly number[],
  options: GenerateOptions = {},
): AsyncGenerator<GeneratedToken, void, undefined> {
  const maxTokens = options.maxTokens ?? 256;
  if (!Number.isInteger(maxTokens) || maxTokens < 0) throw new RangeError(`maxTokens must be a non-negative integer, got ${options.maxTokens}`);
  // NOTE: JavaScript callers (and TypeScript ones past a `!`) reach here with a loader's missing tokenizer.
  if (!tokenizer || typeof tokenizer.encode !== 'function') {
    throw new Error(
      'generate: no tokenizer was given (the model was loaded without one: its folder has no tokenizer.json, or no tokenizer file was found): pass a Tokenizer as the second argument, e.g. loadTokenizerJson(text) or loadLlama2cTokenizer(bytes) from @transformer-kit/tokenizer, or the `tokenizer` option of fromPretrained',
    );
  }
  const sampler = new Sampler(options);
  const plainGreedy = sampler.temperature === 0 && sampler.repetitionPenalty === 1;
  const ids = promptIds(tokenizer, prompt, options);
  const past = options.cache?.length ?? 0;
  if (past + ids.length > model.maxSeqLen) {
    throw new RangeError(`generate: the prompt is ${ids.length} tokens${past ? ` after ${past} cached ones` : ''}, longer than the model's context of ${model.maxSeqLen}`);
  }
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= model.vocabSize) throw new RangeError(`generate: token id ${id} is outside the model's vocabulary of ${model.vocabSize}`);
  }
  const special = tokenizer.specialTokenIds;
  const stops = new Set(options.stopTokens ?? [special.eos, tokenizer.kind === 'sentencepiece-bpe' ? special.bos : undefined].filter((x): x is number => x !== undefined));
  const stopStrings = options.stopStrings ?? [];
  const budget = Math.min(maxTokens, (options.cache?.maxLength ?? model.maxSeqLen) - past - ids.length + 1);
  const history = ids.slice();
  const decoder = tokenizer.createStreamingDecoder();
  // Prime the decoder with the prompt's last token: SentencePiece drops the leading space after BOS only.
  decoder.push(ids[ids.length - 1]);
  const cache = options.cache ?? model.createCache(Math.min(model.maxSeqLen, ids.length + budget));
  let text = '';
  try {
    let input = ids;
    for (let step = 0; step < budget; step++) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('generate: aborted');
      const idsTensor = tensor(Int32Array.from(input), [1, input.length], 'int32');
      const { logits } = model.forward(idsTensor, { cache, lastPositionOnly: true }); // [1, 1, vocab]
      idsTensor.dispose();
      // greedy without a penalty needs no row in JavaScript; a row whose sum is not finite falls through to the
      // sampler, which names a NaN or ±Infinity, or picks from a finite row whose sum overflowed float32
      let picked: SampledToken | null;
      let row: TensorData | null;
      try {
        picked = plainGreedy ? await greedyOnBackend(logits) : null;
        row = picked ? null : await logits.data(); // the one readback per token
      } finally {
        logits.dispose();
      }
      const { id, probability } = picked ?? sampleRow(sampler, row as Float32Array, history);
      if (stops.has(id)) return;
      history.push(id);
      let piece = decoder.push(id);
      const position = history.length - 1;
      if (stopStrings.length > 0) {
        const combined = text + piece;
        const hit = firstStop(combined, stopStrings, text.length);
        if (hit >= 0) {
          piece = combined.slice(text.length, hit);
          if (piece) yield { id, text: piece, probability, position };
          return;
        }
        text = combined.slice(-256);
      }
      yield { id, text: piece, probability, position };
      // NOTE: the last sampled token is never fed back when the budget ends: run.c prints it without a forward.
      input = [id];
    }
  } finally {
    if (!options.cache) cache.dispose();
  }
}

/**
 * The sampler's pick from one position's logits. The sampler refuses NaN and ±Infinity itself (one pass over the
 * row); only then is the row counted again, for an error that says which position broke.
 */
function sampleRow(sampler: Sampler, row: Float32Array, history: readonly number[]): SampledToken {
  try {
    return sampler.sample(row, history);
  } catch (error) {
    const { nan, infinite } = countNonFinite(row);
    // NOTE: greedy decoding would pick token 0 with probability NaN, top-p an undefined id: stop instead.
    if (nan > 0 || infinite > 0) {
      throw new Error(`generate: the model's logits for position ${history.length} hold ${nan} NaN and ${infinite} infinite values of ${row.length}: the weights or the computation are broken, refusing to sample`);
    }
    throw error;
  }
}

/** Index in `text` where the earliest stop string that ends after `from` begins, or -1. */
function firstStop(text: string, stops: readonly string[], from: number): number {
  let best = -1;
  for (const s of stops) {
    if (!s) continue;
    const i = text.indexOf(s, Math.max(0, from - s.length + 1));
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}
