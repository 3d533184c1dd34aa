/**
 * A config.json's `rope_scaling`, as RoPE frequency divisors: none for plain RoPE (absent, null or
 * `default`), Llama 3.1's `llama3` scaling through `llama3FrequencyFactors`, and a clear error for the kinds
 * not implemented (linear, dynamic, yarn, longrope, ...), which would otherwise give silently wrong logits.
 */
import { llama3FrequencyFactors } from '@transformer-kit/positional';

/**
 * The `ropeFrequencyFactors` of a config.json (undefined for plain RoPE).
 *
 * @example
 * ```ts
 * import { ropeScalingFromHf } from '@transformer-kit/transformer';
 * const f = ropeScalingFromHf({ rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4,
 *   original_max_position_embeddings: 8192 } }, 128, 500000);
 * console.log(f!.length, f![0], f![63]); // 64 1 8
 * ```
 */
export function ropeScalingFromHf(json: Record<string, unknown>, rotaryDim: number, theta: number): number[] | undefined {
  const scaling = json.rope_scaling as Record<string, unknown> | null | undefined;
  if (scaling === undefined || scaling === null) return undefined;
  const kind = scaling.rope_type ?? scaling.type;
  if (kind === undefined || kind === 'default') return undefined;
  if (kind !== 'llama3') throw new Error(`config.json: rope_scaling '${String(kind)}' is not supported (supported: llama3, or none)`);
  const num = (key: string): number => {
    const v = scaling[key];
    if (typeof v !== 'number') throw new Error(`config.json: rope_scaling of type llama3 needs a number '${key}', got ${JSON.stringify(v)}`);
    return v;
  };
  const factors = llama3FrequencyFactors(rotaryDim, theta, {
    factor: num('factor'),
    lowFreqFactor: num('low_freq_factor'),
    highFreqFactor: num('high_freq_factor'),
    originalMaxPositions: num('original_max_position_embeddings'),
  });
  return Array.from(factors);
}

/**
 * A config.json's RoPE fields as config fields: `ropeTheta` (`rope_theta`, default 10000) and, for a scaled
 * RoPE, `ropeFrequencyFactors` — one reading for the Llama and the family configs.
 *
 * @example
 * ```ts
 * import { ropeFromHf } from '@transformer-kit/transformer';
 * console.log(ropeFromHf({ rope_theta: 500000 }, 64)); // { ropeTheta: 500000 }
 * ```
 */
export function ropeFromHf(json: Record<string, unknown>, rotaryDim: number): { ropeTheta: number; ropeFrequencyFactors?: number[] } {
  const theta = json.rope_theta ?? 10000;
  if (typeof theta !== 'number') throw new Error(`config.json: 'rope_theta' must be a number, got ${JSON.stringify(theta)}`);
  const ropeFrequencyFactors = ropeScalingFromHf(json, rotaryDim, theta);
  return ropeFrequencyFactors ? { ropeTheta: theta, ropeFrequencyFactors } : { ropeTheta: theta };
}
