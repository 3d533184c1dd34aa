import { installWeightKernels, type WeightKernels } from '../weights/weight-kernels';
import { createWasmWeightKernels } from './wasm-weight-kernels';
import { jsWeightKernels } from './weight-kernels-js';

let kernels: WeightKernels | null = null;

/**
 * The packed-weight kernels this entry provides.
 *
 * @example
 * ```ts
 * import { weightKernels } from '@transformer-kit/tensor/quant';
 * console.log(typeof weightKernels().matmul); // function
 * ```
 */
export function weightKernels(): WeightKernels {
  // WebAssembly SIMD where the runtime has it (Node 20, current browsers), else the TypeScript kernels
  kernels ??= createWasmWeightKernels() ?? jsWeightKernels;
  return kernels;
}

/**
 * Installs the packed-weight kernels for every backend (idempotent): after this, `matmul` and `gather` take
 * `weightTensor`s of every weight dtype.
 *
 * @example
 * ```ts
 * import { useWeightKernels } from '@transformer-kit/tensor/quant';
 * useWeightKernels();
 * ```
 */
export function useWeightKernels(): void {
  installWeightKernels(weightKernels());
}
