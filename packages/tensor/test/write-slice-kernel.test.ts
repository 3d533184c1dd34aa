import { describe, expect, it } from 'vitest';
import { writeSliceKernel } from '../src/cpu/layout-kernels';

// The CPU backend's writeSlice runs this kernel on its heap's words (4-byte elements, target and value in one
// memory at element offsets) and on bool/byte views at offset 0; the conformance cases cover float32 and int32.
describe('writeSliceKernel', () => {
  // element (a, p, q) of a [2, 2, 3] value lands at (1 + a, 2 + p, 1 + q) of a [3, 5, 4] target
  const lands = (a: number, p: number, q: number) => ((1 + a) * 5 + (2 + p)) * 4 + (1 + q);

  it('writes a block of bytes (bool) at begin, every other element untouched', () => {
    const target = Uint8Array.from({ length: 60 }, (_, i) => i % 2);
    const value = Uint8Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const expected = target.slice();
    for (let a = 0; a < 2; a++) for (let p = 0; p < 2; p++) for (let q = 0; q < 3; q++) expected[lands(a, p, q)] = value[(a * 2 + p) * 3 + q];
    writeSliceKernel(target, 0, [3, 5, 4], value, 0, [2, 2, 3], [1, 2, 1]);
    expect(Array.from(target)).toEqual(Array.from(expected));
  });

  it('reads the value and writes the target at their element offsets inside one memory', () => {
    const words = new Int32Array(200).fill(-7);
    const [targetBase, valueBase] = [20, 150];
    for (let i = 0; i < 12; i++) words[valueBase + i] = 100 + i;
    writeSliceKernel(words, targetBase, [3, 5, 4], words, valueBase, [2, 2, 3], [1, 2, 1]);
    const written = new Map<number, number>();
    for (let a = 0; a < 2; a++) for (let p = 0; p < 2; p++) for (let q = 0; q < 3; q++) written.set(targetBase + lands(a, p, q), 100 + (a * 2 + p) * 3 + q);
    for (let i = 0; i < 150; i++) expect([i, words[i]]).toEqual([i, written.get(i) ?? -7]);
  });
});
