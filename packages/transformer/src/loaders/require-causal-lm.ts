import type { Tokenizer } from '@transformer-kit/tokenizer';
import { isCausalLM, type LoadedCausalLM, type LoadedModel } from './load-model';

/**
 * A loaded model as something `generate` can drive: a causal LM with a tokenizer. A loader that loads any
 * kind (`fromPretrained`, `loadHuggingFace`) says what it found only at run time; this checks it, with an
 * error naming what is wrong and what to pass: an encoder (BERT) cannot generate, and a checkpoint without
 * a tokenizer (a Hugging Face folder without tokenizer.json) needs one.
 *
 * @example
 * ```ts
 * import { generate, requireCausalLM } from '@transformer-kit/transformer';
 * import { fromPretrained } from '@transformer-kit/transformer/node';
 * const { model, tokenizer } = requireCausalLM(await fromPretrained('../shared/models/stories260K/stories260K.bin'));
 * let text = '';
 * for await (const t of generate(model, tokenizer, 'Once upon a time', { maxTokens: 6, temperature: 0 })) text += t.text;
 * console.log(JSON.stringify(text)); // ", there was a little girl"
 * ```
 */
export function requireCausalLM(loaded: LoadedModel, origin = 'the model'): LoadedCausalLM<Tokenizer> {
  const { model, tokenizer } = loaded;
  if (!isCausalLM(model)) throw new Error(`${origin} is a ${model.family} encoder: it cannot generate text`);
  if (!tokenizer) {
    throw new Error(
      `${origin} has no tokenizer (no tokenizer.json or tokenizer file beside it): pass one, e.g. fromPretrained(name, { tokenizer: 'path/to/tokenizer.json' }), or load one with @transformer-kit/tokenizer (loadTokenizerJson, loadLlama2cTokenizer) and give it to generate`,
    );
  }
  return { ...loaded, model, tokenizer };
}
