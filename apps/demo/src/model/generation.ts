import { generate } from '@transformer-kit/transformer';
import type { GeneratedToken, SamplingSettings } from './types';
import type { Session } from './session';

/**
 * Streams generation from the transformer package's `generate` (KV cache, llama2.c's sampler), awaiting
 * `onToken` with each token and the mean milliseconds per token so far; `onToken` resolves false to stop.
 * The first token also pays for the prompt's forward pass (prefill), so the mean counts only the tokens after
 * it once there are some; the time spent in `onToken` (yielding to the event loop) is not counted.
 * Resolves true when stopped early.
 */
export async function generateTokens(
  session: Session,
  prompt: string,
  settings: SamplingSettings,
  maxTokens: number,
  onToken: (token: GeneratedToken, msPerToken: number) => Promise<boolean>,
): Promise<boolean> {
  let last = performance.now();
  let first = 0;
  let rest = 0;
  let count = 0;
  const options = {
    maxTokens,
    temperature: settings.temperature,
    topK: settings.topK,
    topP: settings.topP,
    // The sampler's xorshift needs a positive seed.
    seed: Math.max(1, settings.seed),
  };
  for await (const token of generate(session.model, session.tokenizer, prompt, options)) {
    const now = performance.now();
    if (count === 0) first = now - last;
    else rest += now - last;
    count++;
    const go = await onToken({ id: token.id, text: token.text, probability: token.probability }, count === 1 ? first : rest / (count - 1));
    last = performance.now();
    if (!go) return true;
  }
  return false;
}
