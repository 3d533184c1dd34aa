/**
 * Tokens per second as llama2.c's `run` reports it: the timer starts at the first token, so the rate leaves
 * out the prompt's forward pass (and is unknown with fewer than two tokens).
 */
export class TokenRate {
  count = 0;
  #start = 0;

  /** Records one token. */
  tick(): void {
    this.count++;
    if (this.count === 1) this.#start = performance.now();
  }

  /** (tokens − 1) / seconds since the first, or null before the second token. */
  perSecond(): number | null {
    if (this.count < 2) return null;
    return (this.count - 1) / ((performance.now() - this.#start) / 1000);
  }
}
