import type { Backend } from '../../backend';
import { gelu, silu, swiglu } from '../../ops/activations';
import { attend } from '../../ops/attend';
import { tensor } from '../../ops/creation';
import { layerNorm, rmsNorm } from '../../ops/normalization';
import { seededRandom } from '../../ops/random';
import { applyRotary } from '../../ops/rotary';
import { softmax } from '../../ops/softmax';
import type { Shape } from '../../shape';
import type { Tensor } from '../../tensor';
import { defineCase, type ConformanceCase } from '../conformance-case';
import { withoutFusedKernels } from '../without-fused-kernels';

/** Seeded inputs as plain arrays, so the same values can be uploaded to the backend and to its composite twin. */
interface Input {
  readonly values: Float32Array;
  readonly shape: Shape;
}

function input(shape: Shape, seed: number, low = -3, high = 3): Input {
  const next = seededRandom(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * next();
  return { values, shape };
}

/**
 * Runs `op` on the backend (its fused kernel, when it has one) and on the same backend with fused kernels
 * hidden (the composite over primitives), and holds the composite to the fused result.
 */
function equivalence(name: string, inputs: readonly Input[], op: (...xs: Tensor[]) => Tensor): ConformanceCase[] {
  return defineCase(`fused vs composite: ${name}`, async (c) => {
    const upload = (backend: Backend) => inputs.map((x) => c.track(tensor(x.values.slice(), x.shape, 'float32', backend)));
    const fusedOut = c.track(op(...upload(c.backend)));
    const reference = await fusedOut.data();
    const composite = op(...upload(withoutFusedKernels(c.backend)));
    await c.expect(name, composite, { shape: fusedOut.shape, values: reference });
  });
}

/** Every 7th value −Infinity: masked positions. */
function withHoles(x: Input): Input {
  return { shape: x.shape, values: x.values.map((v, i) => (i % 7 === 3 ? -Infinity : v)) };
}

const half = 8;
const seq = 6;
const cosTable = { values: Float32Array.from({ length: seq * half }, (_, i) => Math.cos(Math.floor(i / half) * 10000 ** (-(i % half) / half))), shape: [seq, half] };
const sinTable = { values: Float32Array.from({ length: seq * half }, (_, i) => Math.sin(Math.floor(i / half) * 10000 ** (-(i % half) / half))), shape: [seq, half] };

/** Every fused kernel against the composite the ops fall back to, on larger random inputs. */
export const fusedEquivalenceCases: ConformanceCase[] = [
  ...equivalence('softmax [16, 300] with -Infinity holes', [withHoles(input([16, 300], 1, -20, 20))], (x) => softmax(x)),
  ...equivalence('layerNorm [8, 768] gamma beta', [input([8, 768], 2), input([768], 3, 0.5, 1.5), input([768], 4)], (x, g, b) => layerNorm(x, g, b, 1e-5)),
  ...equivalence('rmsNorm [8, 512] gamma', [input([8, 512], 5), input([512], 6, 0.5, 1.5)], (x, g) => rmsNorm(x, g, 1e-6)),
  ...equivalence('gelu exact [4096]', [input([4096], 7, -8, 8)], (x) => gelu(x)),
  ...equivalence('gelu tanh [4096]', [input([4096], 8, -8, 8)], (x) => gelu(x, 'tanh')),
  ...equivalence('silu [4096]', [input([4096], 9, -20, 20)], (x) => silu(x)),
  ...equivalence('swiglu [3, 1379]', [input([3, 1379], 18, -20, 20), input([3, 1379], 19)], (g, u) => swiglu(g, u)),
  ...equivalence('rotary interleaved [2, 4, 6, 16]', [input([2, 4, seq, 16], 10), cosTable, sinTable], (x, cos, sin) => applyRotary(x, cos, sin, 'interleaved')),
  ...equivalence('rotary halves partial [2, 4, 6, 24]', [input([2, 4, seq, 24], 11), cosTable, sinTable], (x, cos, sin) => applyRotary(x, cos, sin, 'halves')),
  ...equivalence('attend GQA causal [2, 8, 7, 16] on 2 kv heads', [input([2, 8, 7, 16], 12), input([2, 2, 7, 16], 13), input([2, 2, 7, 16], 14)], (q, k, v) => attend(q, k, v, { causal: true })),
  ...equivalence('attend cache step kvLength 9 of 12', [input([1, 4, 1, 32], 15), input([1, 4, 12, 32], 16), input([1, 4, 12, 32], 17)], (q, k, v) =>
    attend(q, k, v, { causal: true, queryOffset: 8, kvLength: 9 })),
];
