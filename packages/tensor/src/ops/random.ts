import type { Backend } from '../backend';
import { getBackend } from '../engine';
import { assertValidShape, sizeOf, type Shape } from '../shape';
import type { Tensor } from '../tensor';
import { tensor } from './creation';

/**
 * A small seeded generator (mulberry32): the same seed gives the same sequence on every platform.
 *
 * @example
 * ```ts
 * import { seededRandom } from '@transformer-kit/tensor';
 * const next = seededRandom(42);
 * next(); // a number in [0, 1)
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options for the random tensor creators. */
export interface RandomOptions {
  /** Seed of the generator; the same seed gives the same tensor. Default 0. */
  readonly seed?: number;
  /** The backend the tensor is made on; default the active one. */
  readonly backend?: Backend;
}

/**
 * Uniform values in [low, high).
 *
 * @example
 * ```ts
 * import { randomUniform } from '@transformer-kit/tensor';
 * const w = randomUniform([64, 64], -0.1, 0.1, { seed: 1 });
 * ```
 */
export function randomUniform(shape: Shape, low = 0, high = 1, options: RandomOptions = {}): Tensor {
  assertValidShape(shape);
  const next = seededRandom(options.seed ?? 0);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * next();
  return tensor(data, shape, 'float32', options.backend ?? getBackend());
}

/**
 * Normally distributed values (Box–Muller) with the given mean and standard deviation.
 *
 * @example
 * ```ts
 * import { randomNormal } from '@transformer-kit/tensor';
 * const w = randomNormal([512, 64], 0, 0.02, { seed: 7 });
 * ```
 */
export function randomNormal(shape: Shape, mean = 0, std = 1, options: RandomOptions = {}): Tensor {
  assertValidShape(shape);
  const next = seededRandom(options.seed ?? 0);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i += 2) {
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    data[i] = mean + std * r * Math.cos(2 * Math.PI * v);
    if (i + 1 < data.length) data[i + 1] = mean + std * r * Math.sin(2 * Math.PI * v);
  }
  return tensor(data, shape, 'float32', options.backend ?? getBackend());
}
