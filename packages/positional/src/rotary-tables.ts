/**
 * The angle tables of rotary position embeddings (RoPE, Su et al. 2021). Pair i of a head (i < rotaryDim/2)
 * turns by position · θ^(−2i/rotaryDim): fast near the first pairs, slow near the last. llama2.c writes the same
 * frequency as 1 / 10000^(d / head_size) for the even dimension d = 2i. Computed in float64, stored as float32.
 */
import { tensor, type Tensor } from '@transformer-kit/tensor';

/** Options of `rotaryTables`. */
export interface RotaryTableOptions {
  /** θ, the base of the wavelengths. Default 10000 (Llama 3 uses 500000). */
  readonly theta?: number;
  /** Position of the first row. Default 0. */
  readonly offset?: number;
  /**
   * Per-pair divisors of the frequencies (rotaryDim / 2 of them, each > 0): pair i turns at θ^(−2i/rotaryDim) /
   * factors[i]. Llama 3.1+ slows its low frequencies this way (GGUF's `rope_freqs.weight`; from a Hugging Face
   * `rope_scaling` of type `llama3` via `llama3FrequencyFactors`). Default none (all 1).
   */
  readonly frequencyFactors?: ArrayLike<number>;
}

/** cos and sin of the rotation angles, each [length, rotaryDim / 2]. */
export interface RotaryTables {
  cos: Tensor;
  sin: Tensor;
}

/**
 * The inverse frequencies θ^(−2i/rotaryDim), i = 0 … rotaryDim/2 − 1, each divided by `frequencyFactors[i]`
 * when given (Llama 3.1's RoPE scaling).
 *
 * @example
 * ```ts
 * import { rotaryFrequencies } from '@transformer-kit/positional';
 * rotaryFrequencies(4); // [1, 0.01]
 * rotaryFrequencies(4, 10000, [1, 8]); // [1, 0.00125]
 * ```
 */
export function rotaryFrequencies(rotaryDim: number, theta = 10000, frequencyFactors?: ArrayLike<number>): Float64Array {
  if (!Number.isInteger(rotaryDim) || rotaryDim < 2 || rotaryDim % 2 !== 0) throw new RangeError(`rotary: rotaryDim must be an even integer ≥ 2, got ${rotaryDim}`);
  if (!(theta > 0)) throw new RangeError(`rotary: theta must be > 0, got ${theta}`);
  const half = rotaryDim / 2;
  checkFrequencyFactors(frequencyFactors, half);
  const freq = new Float64Array(half);
  for (let i = 0; i < half; i++) freq[i] = Math.pow(theta, (-2 * i) / rotaryDim) / (frequencyFactors ? frequencyFactors[i] : 1);
  return freq;
}

/** Refuses divisors that are not rotaryDim/2 finite positive numbers (a wrong-length `rope_freqs` would rotate the wrong pairs). */
function checkFrequencyFactors(factors: ArrayLike<number> | undefined, half: number): void {
  if (factors === undefined) return;
  if (factors.length !== half) throw new RangeError(`rotary: frequencyFactors needs ${half} values (rotaryDim / 2), got ${factors.length}`);
  for (let i = 0; i < half; i++) {
    if (!(Number.isFinite(factors[i]) && factors[i] > 0)) throw new RangeError(`rotary: frequencyFactors[${i}] must be a finite number > 0, got ${factors[i]}`);
  }
}

/**
 * cos/sin tables [length, rotaryDim / 2] for positions offset … offset + length − 1, the inputs of tensor's
 * `applyRotary`. For repeated use (a decode loop) prefer `RotaryEmbedding`, which computes them once.
 *
 * @example
 * ```ts
 * import { rotaryTables } from '@transformer-kit/positional';
 * import { applyRotary, randomNormal } from '@transformer-kit/tensor';
 * const { cos, sin } = rotaryTables(6, 8);                                  // [6, 4] each
 * const q = applyRotary(randomNormal([1, 2, 6, 8]), cos, sin, 'interleaved'); // [1, 2, 6, 8]
 * ```
 */
export function rotaryTables(length: number, rotaryDim: number, options: RotaryTableOptions = {}): RotaryTables {
  const offset = options.offset ?? 0;
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`rotaryTables: length must be an integer ≥ 0, got ${length}`);
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`rotaryTables: offset must be an integer ≥ 0, got ${offset}`);
  const freq = rotaryFrequencies(rotaryDim, options.theta ?? 10000, options.frequencyFactors);
  const half = freq.length;
  const cos = new Float32Array(length * half);
  const sin = new Float32Array(length * half);
  for (let p = 0; p < length; p++) {
    for (let i = 0; i < half; i++) {
      const angle = (offset + p) * freq[i];
      cos[p * half + i] = Math.cos(angle);
      sin[p * half + i] = Math.sin(angle);
    }
  }
  return { cos: tensor(cos, [length, half]), sin: tensor(sin, [length, half]) };
}
