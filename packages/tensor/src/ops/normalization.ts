import { formatShape } from '../shape';
import type { Tensor } from '../tensor';
import { add, mul, sub } from './arithmetic';
import { mean } from './reduce';
import { rsqrt, square } from './unary';
import { backendOf3, check, requireFloat, wrap } from './run-kernel';
import { tidy } from './scope';

function checkParam(op: string, x: Tensor, p: Tensor | null | undefined, name: string): void {
  if (!p) return;
  const n = x.shape[x.rank - 1];
  check(p.rank === 1 && p.shape[0] === n, op, () => `${name} has shape ${formatShape(p.shape)}, expected [${n}] for input ${formatShape(x.shape)}`);
}

/**
 * Layer normalisation over the last axis: (x − mean) / √(var + eps) · gamma + beta, biased variance (as torch.nn.LayerNorm).
 *
 * @example
 * ```ts
 * import { layerNorm, tensor, ones, zeros } from '@transformer-kit/tensor';
 * const y = layerNorm(tensor([1, 2, 3, 4], [1, 4]), ones([4]), zeros([4]), 1e-5); // mean 0, variance 1 per row
 * ```
 */
export function layerNorm(x: Tensor, gamma?: Tensor | null, beta?: Tensor | null, eps = 1e-5): Tensor {
  requireFloat('layerNorm', x);
  checkParam('layerNorm', x, gamma, 'gamma');
  checkParam('layerNorm', x, beta, 'beta');
  const backend = backendOf3('layerNorm', x, gamma, beta);
  if (backend.layerNorm) return wrap(backend, backend.layerNorm(x, gamma ?? null, beta ?? null, eps), x.shape, 'float32');
  return tidy(() => {
    const centered = sub(x, mean(x, -1, { keepDims: true }));
    const variance = mean(square(centered), -1, { keepDims: true });
    let y = mul(centered, rsqrt(add(variance, eps)));
    if (gamma) y = mul(y, gamma);
    if (beta) y = add(y, beta);
    return y;
  });
}

/**
 * RMS normalisation over the last axis: x / √(mean(x²) + eps) · gamma (Llama's norm).
 *
 * @example
 * ```ts
 * import { rmsNorm, tensor, ones } from '@transformer-kit/tensor';
 * const y = rmsNorm(tensor([3, 4], [1, 2]), ones([2]), 0); // [[0.8485, 1.1314]]
 * ```
 */
export function rmsNorm(x: Tensor, gamma?: Tensor | null, eps = 1e-5): Tensor {
  requireFloat('rmsNorm', x);
  checkParam('rmsNorm', x, gamma, 'gamma');
  const backend = backendOf3('rmsNorm', x, gamma);
  if (backend.rmsNorm) return wrap(backend, backend.rmsNorm(x, gamma ?? null, eps), x.shape, 'float32');
  return tidy(() => {
    const normed = mul(x, rsqrt(add(mean(square(x), -1, { keepDims: true }), eps)));
    return gamma ? mul(normed, gamma) : normed;
  });
}
