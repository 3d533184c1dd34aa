/**
 * @packageDocumentation
 * Kernels for packed weights (f16/bf16 and ggml's quantized blocks): a separate entry, so a bundle that never
 * loads such a model carries none of it. `useWeightKernels()` installs them; the model loaders call it.
 */
export { useWeightKernels, weightKernels } from './use-weight-kernels';
export { jsWeightKernels } from './weight-kernels-js';
export { ACTIVATION_MAX, instantiateQuantKernels, QUANT_KERNEL_TYPES, QUANT_SCRATCH_BYTES, quantKernelsModule, quantScratchBytes } from '../cpu/wasm/quant-kernels';
export type { QuantKernels } from '../cpu/wasm/quant-kernels';
export { ggmlQ6KRows, Q6K_SPLIT, Q6K_SPLIT_TYPE, q6kSplitLayout } from './q6k-split-layout';
