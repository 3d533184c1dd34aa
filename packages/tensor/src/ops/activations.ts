import { formatShape, shapesEqual } from '../shape';
import type { Tensor } from '../tensor';
import { add, mul } from './arithmetic';
import { erf, sigmoid, tanh } from './unary';
import { backendOf3, check, requireFloat, wrap } from './run-kernel';
import { tidy } from './scope';

/** GELU flavour: `'none'` is exact x·Φ(x) (BERT, PyTorch default); `'tanh'` is the approximation GPT-2 calls gelu_new. */
export type GeluApproximation = 'none' | 'tanh';

/**
 * GELU activation, fused where the backend has a kernel, otherwise composed from erf/tanh.
 *
 * @example
 * ```ts
 * import { gelu, tensor } from '@transformer-kit/tensor';
 * const y = gelu(tensor([-1, 0, 1], [3])); // [-0.1587, 0, 0.8413]
 * const z = gelu(tensor([1], [1]), 'tanh'); // [0.8412]
 * ```
 */
export function gelu(x: Tensor, approximate: GeluApproximation = 'none'): Tensor {
  requireFloat('gelu', x);
  const backend = backendOf3('gelu', x);
  if (backend.gelu) return wrap(backend, backend.gelu(x, approximate), x.shape, 'float32');
  return tidy(() => {
    if (approximate === 'tanh') {
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
      const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
      return mul(mul(x, 0.5), add(tanh(inner), 1));
    }
    return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
  });
}

/**
 * SiLU (swish) activation x·sigmoid(x), the gate of Llama's SwiGLU feed-forward.
 *
 * @example
 * ```ts
 * import { silu, tensor } from '@transformer-kit/tensor';
 * const y = silu(tensor([0, 1], [2])); // [0, 0.7311]
 * ```
 */
export function silu(x: Tensor): Tensor {
  requireFloat('silu', x);
  const backend = backendOf3('silu', x);
  if (backend.silu) return wrap(backend, backend.silu(x), x.shape, 'float32');
  return tidy(() => mul(x, sigmoid(x)));
}

/**
 * SwiGLU's gated product silu(gate) · up (Llama's feed-forward before its down projection), one kernel where
 * the backend has it: the same float32 values as `mul(silu(gate), up)`, without the intermediate tensor.
 *
 * @example
 * ```ts
 * import { swiglu, tensor } from '@transformer-kit/tensor';
 * const y = swiglu(tensor([0, 1], [2]), tensor([2, 2], [2])); // [0, 1.4621]
 * ```
 */
export function swiglu(gate: Tensor, up: Tensor): Tensor {
  requireFloat('swiglu', gate);
  requireFloat('swiglu', up);
  check(shapesEqual(gate.shape, up.shape), 'swiglu', () => `gate ${formatShape(gate.shape)} and up ${formatShape(up.shape)} must have the same shape`);
  const backend = backendOf3('swiglu', gate, up);
  if (backend.swiglu) return wrap(backend, backend.swiglu(gate, up), gate.shape, 'float32');
  return tidy(() => mul(silu(gate), up));
}
