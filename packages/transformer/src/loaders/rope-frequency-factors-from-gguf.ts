/**
 * A GGUF's RoPE scaling, read as llama.cpp reads it: Llama 3.1+ files carry the per-pair frequency divisors
 * as the tensor `rope_freqs.weight` (written by llama.cpp's converter from config.json's `llama3` scaling);
 * `<arch>.rope.scaling.type` other than none (linear, yarn, ...) is refused, as is `rope_freqs.weight` in an
 * architecture whose llama.cpp graph does not read it.
 */
import type { GgufFile } from '@transformer-kit/tensor';

/**
 * The divisors for `pairs` rotated pairs (undefined for plain RoPE).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { readGguf } from '@transformer-kit/tensor';
 * import { ropeFrequencyFactorsFromGguf } from '@transformer-kit/transformer';
 * const gguf = readGguf(readFileSync('../shared/models/stories260K/stories260K.gguf'));
 * console.log(ropeFrequencyFactorsFromGguf(gguf, 'stories260K.gguf', 4)); // undefined: plain RoPE
 * ```
 */
export function ropeFrequencyFactorsFromGguf(gguf: GgufFile, origin: string, pairs: number): number[] | undefined {
  const arch = String(gguf.metadata['general.architecture']);
  const scaling = gguf.metadata[`${arch}.rope.scaling.type`];
  if (scaling !== undefined && scaling !== 'none') throw new Error(`${origin}: RoPE scaling '${String(scaling)}' (${arch}.rope.scaling.type) is not supported (supported: none, or Llama 3.1's 'rope_freqs.weight')`);
  const info = gguf.info('rope_freqs.weight');
  if (!info) return undefined;
  if (arch !== 'llama') throw new Error(`${origin}: tensor 'rope_freqs.weight' (RoPE frequency scaling) is not supported for architecture '${arch}' (only llama)`);
  const factors = Array.from(gguf.read('rope_freqs.weight'));
  if (factors.length !== pairs) throw new Error(`${origin}: tensor 'rope_freqs.weight' has ${factors.length} values, but a head rotates ${pairs} pairs`);
  factors.forEach((f, i) => {
    if (!(Number.isFinite(f) && f > 0)) throw new Error(`${origin}: tensor 'rope_freqs.weight'[${i}] is ${f} (a frequency divisor must be a finite number > 0)`);
  });
  return factors;
}
