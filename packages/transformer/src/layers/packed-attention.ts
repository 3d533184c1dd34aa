import { MultiHeadAttention, type MultiHeadAttentionConfig, type PackedAttentionWeights } from '@transformer-kit/attention';

/**
 * `MultiHeadAttention.fromPackedWeights` that takes ownership of the packed tensors: the layer keeps its own
 * q/k/v slices and o views, so the packed originals are freed here instead of leaking one copy per layer.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { readSafetensors } from '@transformer-kit/tensor';
 * import { packedAttention } from '@transformer-kit/transformer';
 * // a torch.nn.MultiheadAttention(16, 4, batch_first=True) state dict from ../shared/fixtures
 * const file = readSafetensors(readFileSync('../shared/fixtures/attention/mha-self.safetensors'));
 * const mha = packedAttention({ dim: 16, heads: 4 }, {
 *   inProjWeight: file.tensor('weight.in_proj_weight'), // [3 * 16, 16]: q, k and v stacked
 *   inProjBias: file.tensor('weight.in_proj_bias'),
 *   outProjWeight: file.tensor('weight.out_proj.weight'),
 *   outProjBias: file.tensor('weight.out_proj.bias'),
 * });
 * const x = file.tensor('input.query'); // [batch, seq, 16]
 * console.log(mha.forward(x).output.shape); // [ 2, 5, 16 ]
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
