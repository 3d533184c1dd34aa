/**
 * Picks the next token from a row of logits: repetition penalty, then greedy (temperature 0) or sampling
 * from softmax(logits / temperature) restricted to the top-k and/or the top-p nucleus.
 *
 * The sampling path follows llama2.c's `sample()` step for step, in float32 (Math.fround after every
 * operation, as C's `float` arithmetic rounds), so `{ temperature: 1, topP: 0.9, seed: 133742 }` picks the
 * tokens `run -t 1.0 -p 0.9 -s 133742` picks:
 * - probabilities = softmax(logits / T) in float32; coin = random_f32()
 * - no top-p: walk the cdf in vocabulary order until coin < cdf
 * - top-p: keep candidates with p ≥ (1 − topP)/(n − 1), sort by descending p (stable), cut after the first
 *   index where the cumulative sum exceeds topP, and walk that cdf with coin · cumulative.
 * top-k (not in llama2.c) keeps the k most probable candidates before the top-p cut.
 */
import { countNonFinite } from '../loaders/finite-weights';
import { XorShiftRandom } from './xorshift-random';

/** How to pick the next token. */
export interface SamplingOptions {
  /** 0 = greedy (argmax). Default 1. */
  readonly temperature?: number;
  /** Keep only the k most probable tokens (0 or undefined = all). */
  readonly topK?: number;
  /** Nucleus sampling: the smallest set of most probable tokens whose probability exceeds topP (1 = off). Default 1. */
  readonly topP?: number;
  /** > 1 discourages tokens already in the sequence (CTRL / Hugging Face rule: positive logits ÷ p, negative × p). Default 1. */
  readonly repetitionPenalty?: number;
  /** Seed of the xorshift generator: the same seed gives the same tokens. Default: from the clock. */
  readonly seed?: number;
}

/** The chosen token and its probability under the distribution it was drawn from (softmax of logits / T). */
export interface SampledToken {
  readonly id: number;
  readonly probability: number;
}

const f = Math.fround;

/**
 * A stateful sampler (it owns the random generator, so successive calls continue the seeded sequence).
 *
 * @example
 * ```ts
 * import { Sampler } from '@transformer-kit/transformer';
 * const logits = Float32Array.from([1, 3, 2, 0.5]); // one row of a model's logits, [vocab]
 * console.log(new Sampler({ temperature: 0 }).sample(logits)); // { id: 1, probability: 0.6307955432474668 }: greedy
 * const sampler = new Sampler({ temperature: 1, topP: 0.9, seed: 133742 });
 * console.log([1, 2, 3, 4, 5].map(() => sampler.sample(logits).id)); // [ 2, 1, 1, 1, 1 ]: the same for the same seed
 * ```
 */
export class Sampler {
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly repetitionPenalty: number;
  readonly #rng: XorShiftRandom;
  #scratch = new Float32Array(0);

  constructor(options: SamplingOptions = {}) {
    this.temperature = options.temperature ?? 1;
    this.topK = options.topK ?? 0;
    this.topP = options.topP ?? 1;
    this.repetitionPenalty = options.repetitionPenalty ?? 1;
    if (!(this.temperature >= 0) || !Number.isFinite(this.temperature)) throw new RangeError(`temperature must be ≥ 0, got ${options.temperature}`);
    if (!Number.isInteger(this.topK) || this.topK < 0) throw new RangeError(`topK must be a non-negative integer, got ${options.topK}`);
    if (!(this.topP > 0 && this.topP <= 1)) throw new RangeError(`topP must be in (0, 1], got ${options.topP}`);
    if (!(this.repetitionPenalty > 0)) throw new RangeError(`repetitionPenalty must be > 0, got ${options.repetitionPenalty}`);
    const seed = options.seed ?? (Date.now() % 0xffffffff) + 1;
    if (!Number.isInteger(seed) || seed <= 0) throw new RangeError(`seed must be a positive integer, got ${options.seed}`);
    this.#rng = new XorShiftRandom(seed);
  }

  /**
   * Picks a token from `logits` [vocab]; `previousIds` feed the repetition penalty. `logits` is not modified.
   * Logits holding NaN or ±Infinity are an error: there is no distribution to sample from.
   */
  sample(logits: ArrayLike<number>, previousIds: readonly number[] = []): SampledToken {
    const n = logits.length;
    const { nan, infinite } = countNonFinite(logits);
    if (nan > 0 || infinite > 0) throw new Error(`sample: the logits hold ${nan} NaN and ${infinite} infinite values of ${n}: refusing to sample from them`);
    // greedy without a penalty only reads the row: a Float32Array row needs no float32 copy (128 KB a token at 32000)
    if (this.temperature === 0 && this.repetitionPenalty === 1 && logits instanceof Float32Array) return greedy(logits);
    if (this.#scratch.length !== n) this.#scratch = new Float32Array(n);
    const x = this.#scratch;
    for (let i = 0; i < n; i++) x[i] = logits[i];
    if (this.repetitionPenalty !== 1) {
      const p = this.repetitionPenalty;
      for (const id of new Set(previousIds)) if (id >= 0 && id < n) x[id] = x[id] > 0 ? x[id] / p : x[id] * p;
    }
    if (this.temperature === 0) return greedy(x);
    const t = f(this.temperature);
    for (let i = 0; i < n; i++) x[i] = f(x[i] / t);
    softmaxFloat32(x);
    const coin = this.#rng.nextFloat();
    if (this.topK === 0 && (this.topP >= 1 || this.topP <= 0)) return sampleMultinomial(x, coin);
    return sampleTop(x, this.topK, this.topP, coin);
  }
}

/** Argmax (first maximum wins, like llama2.c), with the token's softmax probability. */
function greedy(x: Float32Array): SampledToken {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.exp(x[i] - x[best]);
  return { id: best, probability: 1 / sum };
}

/** llama2.c's softmax, in float32. */
function softmaxFloat32(x: Float32Array): void {
  let max = x[0];
  for (let i = 1; i < x.length; i++) if (x[i] > max) max = x[i];
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    x[i] = f(Math.exp(f(x[i] - max)));
    sum = f(sum + x[i]);
  }
  for (let i = 0; i < x.length; i++) x[i] = f(x[i] / sum);
}

/** llama2.c's sample_mult: the first index whose cdf exceeds the coin. */
function sampleMultinomial(p: Float32Array, coin: number): SampledToken {
  let cdf = 0;
  for (let i = 0; i < p.length; i++) {
    cdf = f(cdf + p[i]);
    if (coin < cdf) return { id: i, probability: p[i] };
  }
  return { id: p.length - 1, probability: p[p.length - 1] };
}

/** llama2.c's sample_topp, with an optional top-k cut before the nucleus. */
function sampleTop(p: Float32Array, topK: number, topP: number, coin: number): SampledToken {
  const n = p.length;
  const useTopP = topP > 0 && topP < 1;
  // NOTE: llama2.c drops tokens below (1 - topp)/(n - 1) before sorting: they can never be in the nucleus.
  const cutoff = useTopP ? f(f(1 - f(topP)) / (n - 1)) : -Infinity;
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (p[i] >= cutoff) candidates.push(i);
  candidates.sort((a, b) => p[b] - p[a]); // stable, descending, like glibc's merge-sort qsort
  let last = topK > 0 ? Math.min(topK, candidates.length) - 1 : candidates.length - 1;
  let cumulative = 0;
  for (let i = 0; i <= last; i++) {
    cumulative = f(cumulative + p[candidates[i]]);
    if (useTopP && cumulative > f(topP)) {
      last = i;
      break;
    }
  }
  const r = f(coin * cumulative);
  let cdf = 0;
  for (let i = 0; i <= last; i++) {
    cdf = f(cdf + p[candidates[i]]);
    if (r < cdf) return { id: candidates[i], probability: p[candidates[i]] };
  }
  return { id: candidates[last], probability: p[candidates[last]] };
}
