import type { RotaryLayout } from '../backend';
import { formatShape } from '../shape';
import type { Tensor } from '../tensor';
import { add, mul, sub } from './arithmetic';
import { concat, slice, stack } from './layout';
import { backendOf3, check, requireFloat, wrap } from './run-kernel';
import { tidy } from './scope';

/**
 * Rotates x [..., seq, dim] by per-position angles: cos, sin [seq, rotaryDim / 2] (rotaryDim ≤ dim; the
 * dimensions past rotaryDim pass through). `interleaved` rotates pairs (2i, 2i+1) as llama2.c and Meta do;
 * `halves` rotates (i, i + rotaryDim/2) as Hugging Face Llama and GPT-NeoX do. The angle tables come from
 * `@transformer-kit/positional`; this is the kernel.
 *
 * @example
 * ```ts
 * import { applyRotary, tensor } from '@transformer-kit/tensor';
 * const x = tensor([1, 0], [1, 2]);                 // [seq 1, dim 2]
 * const angle = Math.PI / 2;
 * const y = applyRotary(x, tensor([Math.cos(angle)], [1, 1]), tensor([Math.sin(angle)], [1, 1]), 'interleaved'); // ≈ [[0, 1]]
 * ```
 */
export function applyRotary(x: Tensor, cos: Tensor, sin: Tensor, layout: RotaryLayout): Tensor {
  requireFloat('applyRotary', x);
  const dim = x.shape[x.rank - 1];
  const seq = x.shape[x.rank - 2];
  const half = cos.shape[cos.rank - 1];
  check(x.rank >= 2, 'applyRotary', () => `x needs rank ≥ 2 ([..., seq, dim]), got ${formatShape(x.shape)}`);
  check(cos.rank === 2 && sin.rank === 2 && cos.shape[0] === seq && sin.shape[0] === seq && sin.shape[1] === half, 'applyRotary', () =>
    `cos ${formatShape(cos.shape)} and sin ${formatShape(sin.shape)} must both be [seq ${seq}, rotaryDim/2]`);
  check(2 * half <= dim, 'applyRotary', () => `rotary dimension ${2 * half} exceeds the head dimension ${dim}`);
  const backend = backendOf3('applyRotary', x, cos, sin);
  if (backend.rotary) return wrap(backend, backend.rotary(x, cos, sin, layout), x.shape, 'float32');
  return tidy(() => {
    const lead = x.shape.slice(0, -1);
    const rotated = slice(x, x.shape.map(() => 0), [...lead, 2 * half]);
    let x0: Tensor;
    let x1: Tensor;
    if (layout === 'interleaved') {
      const pairs = rotated.reshape([...lead, half, 2]); // [..., seq, half, 2]
      x0 = slice(pairs, pairs.shape.map(() => 0), [...lead, half, 1]).reshape([...lead, half]);
      x1 = slice(pairs, [...pairs.shape.slice(0, -1).map(() => 0), 1], [...lead, half, 1]).reshape([...lead, half]);
    } else {
      x0 = slice(rotated, rotated.shape.map(() => 0), [...lead, half]);
      x1 = slice(rotated, [...lead.map(() => 0), half], [...lead, half]);
    }
    const y0 = sub(mul(x0, cos), mul(x1, sin)); // [..., seq, half]
    const y1 = add(mul(x0, sin), mul(x1, cos));
    const joined = layout === 'interleaved' ? stack([y0, y1], -1).reshape([...lead, 2 * half]) : concat([y0, y1], -1);
    if (2 * half === dim) return joined;
    const rest = slice(x, [...lead.map(() => 0), 2 * half], [...lead, dim - 2 * half]);
    return concat([joined, rest], -1);
  });
}
