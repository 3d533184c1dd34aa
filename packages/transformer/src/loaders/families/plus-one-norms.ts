import type { HostTensor, WeightSource } from '../weight-source';

const NORM = /(layernorm|^model\.norm)\.weight$/;

/**
 * Gemma's Hugging Face layout → GGUF's: every RMSNorm weight w becomes 1 + w (Gemma's norm multiplies by
 * 1 + w; llama.cpp's converter stores the sum, and the model files read the sum).
 *
 * @example
 * ```ts
 * import { plusOneNorms, weightSource } from '@transformer-kit/transformer';
 * const hf = weightSource('hf', { 'model.norm.weight': () => ({ data: new Float32Array([0, 0.5]), shape: [2] }) });
 * console.log(plusOneNorms(hf).get('model.norm.weight').data); // Float32Array(2) [ 1, 1.5 ]
 * ```
 */
export function plusOneNorms(source: WeightSource): WeightSource {
  return {
    ...source,
    has: (name) => source.has(name),
    get(name): HostTensor {
      const t = source.get(name);
      return NORM.test(name) ? { data: t.data.map((v) => v + 1), shape: t.shape } : t;
    },
  };
}
