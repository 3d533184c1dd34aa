// Test helpers: the same random values on several backends, and a comparison at the GPU tolerance.
import { afterAll, beforeAll, expect } from 'vitest';
import { createCpuBackend, randomNormal, tensor, type Backend, type Tensor } from '@transformer-kit/tensor';
import { createGpuBackend, type GpuBackend } from '../src/index';

/** One N(0, 1) tensor of `shape` (seeded) on each backend, in the order given. */
export function onBackends(shape: number[], seed: number, ...backends: Backend[]): Tensor[] {
  const host = randomNormal(shape, 0, 1, { seed }).dataSync();
  return backends.map((b) => tensor(host.slice(), shape, 'float32', b));
}

/** Every element of `actual` within 2e-3 (abs + rel) of `expected`; NaN fails. */
export async function expectClose(actual: Tensor, expected: Tensor, what: string): Promise<void> {
  const [a, e] = [await actual.data(), await expected.data()];
  expect(a.length, what).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i] - e[i]) <= 2e-3 + 2e-3 * Math.abs(e[i]))) throw new Error(`${what}: element ${i} is ${a[i]}, expected ${e[i]}`);
  }
}

/** The file's headless-GL backend (made before its tests, destroyed after) and the CPU backend it is compared with. */
export function useBackends(): { readonly gpu: GpuBackend; readonly cpu: Backend } {
  const backends = { gpu: null as unknown as GpuBackend, cpu: createCpuBackend() };
  beforeAll(async () => {
    backends.gpu = await createGpuBackend({ mode: 'headlessgl', log: () => {} });
  });
  afterAll(() => backends.gpu?.destroy());
  return backends;
}
