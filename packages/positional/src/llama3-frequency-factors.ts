/**
 * Llama 3.1's RoPE scaling ("llama3" in a Hugging Face `rope_scaling`) as per-pair frequency divisors: pairs
 * whose wavelength is shorter than originalMaxPositions / highFreqFactor keep their frequency, pairs longer than
 * originalMaxPositions / lowFreqFactor are slowed by `factor`, and the band between blends the two. These are
 * the values llama.cpp's converter stores in a GGUF as `rope_freqs.weight`, and what Hugging Face applies to
 * its inverse frequencies.
 */
import { rotaryFrequencies } from './rotary-tables';

/** The fields of a Hugging Face `rope_scaling` object of `rope_type: "llama3"`. */
export interface Llama3RopeScaling {
  /** How much the low frequencies are slowed (8 for Llama 3.1 and 3.2). */
  readonly factor: number;
  /** Wavelengths above originalMaxPositions / lowFreqFactor get the full `factor` (1). */
  readonly lowFreqFactor: number;
  /** Wavelengths below originalMaxPositions / highFreqFactor are left alone (4). */
  readonly highFreqFactor: number;
  /** The context the model was pre-trained with (8192). */
  readonly originalMaxPositions: number;
}

/**
 * The rotaryDim / 2 frequency divisors of Llama 3.1's RoPE scaling, for `RotaryEmbedding`'s `frequencyFactors`.
 *
 * @example
 * ```ts
 * import { llama3FrequencyFactors } from '@transformer-kit/positional';
 * const f = llama3FrequencyFactors(128, 500000, { factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8192 });
 * console.log(f[0], f[63]); // 1 8: the fastest pair is untouched, the slowest slowed eightfold
 * ```
 */
export function llama3FrequencyFactors(rotaryDim: number, theta: number, scaling: Llama3RopeScaling): Float64Array {
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositions } = scaling;
  for (const [name, value] of Object.entries({ factor, lowFreqFactor, highFreqFactor, originalMaxPositions })) {
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`llama3 RoPE scaling: ${name} must be a finite number > 0, got ${value}`);
  }
  if (!(highFreqFactor > lowFreqFactor)) throw new RangeError(`llama3 RoPE scaling: highFreqFactor (${highFreqFactor}) must exceed lowFreqFactor (${lowFreqFactor})`);
  const lowFreqWavelength = originalMaxPositions / lowFreqFactor;
  const highFreqWavelength = originalMaxPositions / highFreqFactor;
  return rotaryFrequencies(rotaryDim, theta).map((freq) => {
    const wavelength = (2 * Math.PI) / freq;
    if (wavelength < highFreqWavelength) return 1;
    if (wavelength > lowFreqWavelength) return factor;
    const smooth = (originalMaxPositions / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    return 1 / ((1 - smooth) / factor + smooth);
  });
}
