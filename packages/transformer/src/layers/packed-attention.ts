import { MultiHeadAttention, type MultiHeadAttentionConfig, type PackedAttentionWeights } from '@transformer-kit/attention';

/**
 * `MultiHeadAttention.fromPackedWeights` that takes ownership of the packed tensors: the layer keeps its own
 * q/k/v slices and o views, so the packed originals are freed here instead of leaking one copy per layer.
 *
 * @example
 * ```ts
 * import { packedAttention } from '@transformer-kit/transformer';
 * const mha = packedAttention({ dim: 16, heads: 4 }, { inProjWeight, inProjBias, outProjWeight, outProjBias });
 * ```
 */
export function packedAttention(config: MultiHeadAttentionConfig, packed: PackedAttentionWeights): MultiHeadAttention {
  const mha = MultiHeadAttention.fromPackedWeights(config, packed);
  packed.inProjWeight.dispose();
  packed.inProjBias?.dispose();
  packed.outProjWeight.dispose();
  packed.outProjBias?.dispose();
  return mha;
}
