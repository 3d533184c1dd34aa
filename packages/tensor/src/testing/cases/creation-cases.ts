import { arange, full, ones, scalar, tensor, zeros } from '../../ops/creation';
import { randomNormal, randomUniform } from '../../ops/random';
import { defineCase, type ConformanceCase } from '../conformance-case';

/** mulberry32 as published by Tommy Ettinger (public domain): the generator the seeded creators promise. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let z = Math.imul(state ^ (state >>> 15), 1 | state);
    z = (z + Math.imul(z ^ (z >>> 7), 61 | z)) ^ z;
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uploading and reading back every dtype; the creators; seeded random tensors. */
export const creationCases: ConformanceCase[] = [
  ...defineCase('tensor: float32 / int32 / bool round trips, typed arrays, rank 0, empty', async (c) => {
    const b = c.backend;
    const floats = [0, -1.5, 3.25, 1e-30, -1e30, Infinity, -Infinity, NaN, 65504, 1 / 3];
    await c.expect('float32', c.track(tensor(floats, [2, 5], 'float32', b)), { shape: [2, 5], values: Array.from(Float32Array.from(floats)) });
    const ints = [0, -1, 2147483647, -2147483648, 16777217, 42];
    await c.expect('int32 (exact beyond 2^24)', c.track(tensor(Int32Array.from(ints), [3, 2], undefined, b)), { shape: [3, 2], values: ints, dtype: 'int32' });
    await c.expect('bool from booleans', c.track(tensor([true, false, true], [3], 'bool', b)), { shape: [3], values: [1, 0, 1], dtype: 'bool' });
    await c.expect('bool from a Uint8Array', c.track(tensor(new Uint8Array([0, 1]), [2], undefined, b)), { shape: [2], values: [0, 1], dtype: 'bool' });
    await c.expect('scalar', c.track(scalar(2.5, 'float32', b)), { shape: [], values: [2.5] });
    await c.expect('empty', c.track(tensor([], [3, 0], 'float32', b)), { shape: [3, 0], values: [] });
    await c.expect('reshape view', c.track(tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float32', b)).reshape([3, -1]), { shape: [3, 2], values: [1, 2, 3, 4, 5, 6] });
    await c.expectError('values do not fill the shape', () => c.track(tensor([1, 2, 3], [2, 2], 'float32', b)), '[2, 2]', '3 values');
  }),
  ...defineCase('zeros / ones / full / arange', async (c) => {
    const b = c.backend;
    await c.expect('zeros', c.track(zeros([2, 2], 'float32', b)), { shape: [2, 2], values: [0, 0, 0, 0] });
    await c.expect('ones int32', c.track(ones([3], 'int32', b)), { shape: [3], values: [1, 1, 1], dtype: 'int32' });
    await c.expect('full -Infinity', c.track(full([1, 3], -Infinity, 'float32', b)), { shape: [1, 3], values: [-Infinity, -Infinity, -Infinity] });
    await c.expect('full bool', c.track(full([2], 1, 'bool', b)), { shape: [2], values: [1, 1], dtype: 'bool' });
    await c.expect('arange(5)', c.track(arange(5, undefined, 1, undefined, b)), { shape: [5], values: [0, 1, 2, 3, 4], dtype: 'int32' });
    await c.expect('arange(2, 11, 3)', c.track(arange(2, 11, 3, undefined, b)), { shape: [3], values: [2, 5, 8], dtype: 'int32' });
    await c.expect('arange(0, 1, 0.25)', c.track(arange(0, 1, 0.25, undefined, b)), { shape: [4], values: [0, 0.25, 0.5, 0.75] });
    await c.expect('arange(3, 0, -1)', c.track(arange(3, 0, -1, undefined, b)), { shape: [3], values: [3, 2, 1], dtype: 'int32' });
    await c.expect('arange(4, 4) is empty', c.track(arange(4, 4, 1, undefined, b)), { shape: [0], values: [], dtype: 'int32' });
    await c.expect('arange float32 dtype', c.track(arange(3, undefined, 1, 'float32', b)), { shape: [3], values: [0, 1, 2] });
  }),
  ...defineCase('randomUniform / randomNormal: seeded, reproducible, the documented generator', async (c) => {
    const b = c.backend;
    const next = mulberry32(1234);
    const expectedUniform = Array.from({ length: 12 }, () => -2 + 4 * next());
    const u = c.track(randomUniform([3, 4], -2, 2, { seed: 1234, backend: b }));
    await c.expect('uniform = mulberry32', u, { shape: [3, 4], values: expectedUniform });
    const again = c.track(randomUniform([3, 4], -2, 2, { seed: 1234, backend: b }));
    await c.expect('same seed, same values', again, { shape: [3, 4], values: expectedUniform });
    const g = mulberry32(7);
    const expectedNormal: number[] = [];
    for (let i = 0; i < 5; i += 2) {
      // Box–Muller over (1 − u, v)
      const r = Math.sqrt(-2 * Math.log(1 - g()));
      const t = 2 * Math.PI * g();
      expectedNormal.push(0.5 + 2 * r * Math.cos(t), 0.5 + 2 * r * Math.sin(t));
    }
    const n = c.track(randomNormal([5], 0.5, 2, { seed: 7, backend: b }));
    await c.expect('normal = Box–Muller over mulberry32', n, { shape: [5], values: expectedNormal.slice(0, 5) });
    const other = await c.track(randomUniform([4], 0, 1, { seed: 1235, backend: b })).data();
    if (other.every((v, i) => v === expectedUniform[i])) throw new Error('seeds 1234 and 1235 gave the same values');
  }),
];
