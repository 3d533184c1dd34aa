import { attentionCases } from './cases/attention-cases';
import { creationCases } from './cases/creation-cases';
import { elementwiseCases } from './cases/elementwise-cases';
import { fusedEquivalenceCases } from './cases/fused-equivalence-cases';
import { layoutCases } from './cases/layout-cases';
import { matmulCases } from './cases/matmul-cases';
import { memoryCases } from './cases/memory-cases';
import { normalizationCases } from './cases/normalization-cases';
import { reduceCases } from './cases/reduce-cases';
import type { ConformanceCase } from './conformance-case';

/**
 * Every conformance case, in a stable order: creation, elementwise, matmul, reductions, normalisation and
 * activations, layout, rotary and attention, fused-vs-composite, memory. Cases that use a fused kernel come
 * with a `[composite]` twin that hides the backend's fused kernels.
 *
 * @example
 * ```ts
 * import { conformanceCases } from '@transformer-kit/tensor/testing';
 * console.log(conformanceCases.map((c) => c.name));
 * ```
 */
export const conformanceCases: readonly ConformanceCase[] = [
  ...creationCases,
  ...elementwiseCases,
  ...matmulCases,
  ...reduceCases,
  ...normalizationCases,
  ...layoutCases,
  ...attentionCases,
  ...fusedEquivalenceCases,
  ...memoryCases,
];
