// sum, mean, max and min over the last axis of a float32 tensor (a contiguous row: a greedy step's logits) and
// over the columns of its transpose (a strided walk) go through the same kernel loop (reduce-kernel.ts), max and
// min with a loop of their own each. Both walks must give the same bits: the same values in the same order, NaN
// wherever the row holds one, the first of equal extremes (−0 before +0 is kept).
import { beforeEach, describe, expect, it } from 'vitest';
import { createCpuBackend, max, mean, min, setBackend, sum, tensor, transpose } from '@transformer-kit/tensor';

beforeEach(() => {
  setBackend(createCpuBackend());
});

/** Rows of float32 values: random magnitudes over 1e-3…1e3, with NaN, ±Infinity and ±0 placed in some rows. */
function rows(count: number, length: number): Float32Array {
  const x = new Float32Array(count * length);
  let seed = 12345;
  for (let i = 0; i < x.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    x[i] = ((seed / 2 ** 32 - 0.5) * 10 ** ((seed % 7) - 3));
  }
  x[0 * length] = NaN; // row 0: NaN first
  x[1 * length + length - 1] = NaN; // row 1: NaN last
  x[2 * length + 5] = Infinity;
  x[3 * length + 9] = -Infinity;
  x[4 * length + 3] = -Infinity;
  x[4 * length + 4] = Infinity; // row 4: both infinities (sum NaN)
  x.fill(0, 5 * length, 6 * length); // row 5: zeros, −0 first
  x[5 * length] = -0;
  return x;
}

const bits = (values: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(values).buffer));

describe('last-axis reductions of float32', () => {
  for (const [name, op] of [['sum', sum], ['mean', mean], ['max', max], ['min', min]] as const) {
    it(`${name} over rows equals ${name} over the columns of the transposed tensor, bit for bit`, () => {
      const [count, length] = [8, 32000];
      const x = tensor(rows(count, length), [count, length]); // [rows, length]
      const overRows = op(x, 1).dataSync(); // contiguous
      const overColumns = op(transpose(x), 0).dataSync(); // [length, rows] over axis 0: strided
      expect(bits(overRows)).toEqual(bits(overColumns));
    });
  }

  it('the definitions: NaN anywhere in a row is NaN, infinities of both signs sum to NaN, max/min see ±Infinity', () => {
    const length = 64;
    const x = rows(6, length);
    const s = sum(tensor(x, [6, length]), 1).dataSync();
    const hi = max(tensor(x, [6, length]), 1).dataSync();
    const lo = min(tensor(x, [6, length]), 1).dataSync();
    expect([s[0], s[1], hi[0], hi[1], lo[0], lo[1], s[4]].every(Number.isNaN)).toBe(true);
    expect([hi[2], lo[3], s[2], s[3]]).toEqual([Infinity, -Infinity, Infinity, -Infinity]);
    expect(Object.is(max(tensor(x.subarray(5 * length, 6 * length), [length]), 0).dataSync()[0], -0)).toBe(true); // first of equal zeros
    // a finite row's sum: float64 in order, then rounded to float32
    const finite = rows(7, length).subarray(6 * length, 7 * length);
    let want = 0;
    for (const v of finite) want += v;
    expect(sum(tensor(finite, [length])).dataSync()[0]).toBe(Math.fround(want));
  });
});
