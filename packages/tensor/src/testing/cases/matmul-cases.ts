import { matmul } from '../../ops/matmul';
import type { Shape } from '../../shape';
import type { CaseContext } from '../case-context';
import { defineCase, type ConformanceCase } from '../conformance-case';
import { refMatmul } from '../reference';

/** Random a, b of the given stored shapes; checks matmul(a, b, transposes) against the float64 triple loop. */
async function checkRandom(c: CaseContext, aShape: Shape, bShape: Shape, transposeA = false, transposeB = false, seed = 1): Promise<void> {
  const a = c.random(aShape, seed);
  const b = c.random(bShape, seed + 100);
  const expected = refMatmul(a.v, aShape, b.v, bShape, transposeA, transposeB);
  await c.expect(`matmul ${JSON.stringify(aShape)}${transposeA ? 'ᵀ' : ''}·${JSON.stringify(bShape)}${transposeB ? 'ᵀ' : ''}`, matmul(a.t, b.t, { transposeA, transposeB }), expected);
}

/** matmul: plain, transposed, batched, broadcast, odd sizes, the decode-step vector, empty and K = 0. */
export const matmulCases: ConformanceCase[] = [
  ...defineCase('matmul: 2×3 · 3×2 by hand', async (c) => {
    const a = c.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = c.tensor([7, 8, 9, 10, 11, 12], [3, 2]);
    // [[1·7 + 2·9 + 3·11, 1·8 + 2·10 + 3·12], [4·7 + 5·9 + 6·11, 4·8 + 5·10 + 6·12]]
    await c.expect('a·b', matmul(a, b), { shape: [2, 2], values: [58, 64, 139, 154] });
  }),
  ...defineCase('matmul: transposeA / transposeB / both by hand', async (c) => {
    const a = c.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    await c.expect('aᵀ·a', matmul(a, a, { transposeA: true }), { shape: [3, 3], values: [17, 22, 27, 22, 29, 36, 27, 36, 45] });
    await c.expect('a·aᵀ', matmul(a, a, { transposeB: true }), { shape: [2, 2], values: [14, 32, 32, 77] });
    const b = c.tensor([1, 0, -1, 2, 1, 0], [3, 2]);
    // aᵀ = [[1, 4], [2, 5], [3, 6]], bᵀ = [[1, -1, 1], [0, 2, 0]]: [3, 2]·[2, 3]
    await c.expect('aᵀ·bᵀ', matmul(a, b, { transposeA: true, transposeB: true }), { shape: [3, 3], values: [1, 7, 1, 2, 8, 2, 3, 9, 3] });
  }),
  ...defineCase('matmul: sizes not multiples of 4 (5×7·7×3, 13×17·17×11)', async (c) => {
    await checkRandom(c, [5, 7], [7, 3]);
    await checkRandom(c, [13, 17], [17, 11], false, false, 2);
  }),
  ...defineCase('matmul: non-square with every transpose (9×33 · 33×6)', async (c) => {
    await checkRandom(c, [9, 33], [33, 6], false, false, 3);
    await checkRandom(c, [33, 9], [33, 6], true, false, 4);
    await checkRandom(c, [9, 33], [6, 33], false, true, 5);
    await checkRandom(c, [33, 9], [6, 33], true, true, 6);
  }),
  ...defineCase('matmul: K = 1 (outer product)', async (c) => {
    const a = c.tensor([1, 2, 3], [3, 1]);
    const b = c.tensor([4, 5], [1, 2]);
    await c.expect('outer', matmul(a, b), { shape: [3, 2], values: [4, 5, 8, 10, 12, 15] });
  }),
  ...defineCase('matmul: M = 1 and M = 2 (decode rows), N = 1', async (c) => {
    await checkRandom(c, [1, 50], [50, 37], false, false, 7);
    await checkRandom(c, [2, 50], [50, 37], false, false, 8);
    await checkRandom(c, [1, 50], [37, 50], false, true, 9);
    await checkRandom(c, [6, 50], [50, 1], false, false, 10);
  }),
  ...defineCase('matmul: [1×768]·[768×3072] (a GPT-2 MLP decode step)', async (c) => {
    await checkRandom(c, [1, 768], [768, 3072], false, false, 11);
  }),
  ...defineCase('matmul: [1×768]·[3072×768]ᵀ (PyTorch-layout weight)', async (c) => {
    await checkRandom(c, [1, 768], [3072, 768], false, true, 12);
  }),
  ...defineCase('matmul: [64×96]·[96×80] blocked sizes', async (c) => {
    await checkRandom(c, [64, 96], [96, 80], false, false, 13);
    await checkRandom(c, [67, 70], [70, 130], false, false, 14);
  }),
  ...defineCase('matmul: batched [3, 5, 6]·[3, 6, 7]', async (c) => {
    await checkRandom(c, [3, 5, 6], [3, 6, 7], false, false, 15);
    await checkRandom(c, [2, 2, 6, 5], [2, 2, 7, 6], true, true, 16);
  }),
  ...defineCase('matmul: broadcast batch [2, 1, 4, 5]·[3, 5, 6] and [4, 5]·[2, 5, 3]', async (c) => {
    await checkRandom(c, [2, 1, 4, 5], [3, 5, 6], false, false, 17);
    await checkRandom(c, [4, 5], [2, 5, 3], false, false, 18);
    await checkRandom(c, [2, 3, 4, 5], [1, 5, 3], false, false, 19);
    await checkRandom(c, [2, 1, 5, 4], [1, 3, 3, 5], true, true, 20);
  }),
  ...defineCase('matmul: empty M and K = 0', async (c) => {
    await c.expect('[0, 4]·[4, 3]', matmul(c.tensor([], [0, 4]), c.tensor(new Array(12).fill(1), [4, 3])), { shape: [0, 3], values: [] });
    await c.expect('[2, 0]·[0, 3] = zeros', matmul(c.tensor([], [2, 0]), c.tensor([], [0, 3])), { shape: [2, 3], values: [0, 0, 0, 0, 0, 0] });
  }),
  ...defineCase('matmul: large magnitudes and NaN/Infinity', async (c) => {
    const a = c.tensor([1e20, 1, 0, NaN], [2, 2]);
    const b = c.tensor([1e10, 0, 1, 1], [2, 2]);
    // row 0: [1e20·1e10 + 1, 0 + 1]; row 1: NaN propagates to the whole row.
    await c.expect('a·b', matmul(a, b), { shape: [2, 2], values: [1e30, 1, NaN, NaN] });
  }),
  ...defineCase('matmul: errors name the shapes', async (c) => {
    const a = c.tensor(new Array(6).fill(1), [2, 3]);
    const b = c.tensor(new Array(8).fill(1), [4, 2]);
    await c.expectError('inner mismatch', () => matmul(a, b), '[2, 3]', '[4, 2]');
    await c.expectError('int32 operand', () => matmul(a, c.tensor([1, 2, 3], [3, 1], 'int32')), 'int32');
    const x = c.tensor(new Array(24).fill(1), [2, 3, 4]);
    const y = c.tensor(new Array(60).fill(1), [5, 4, 3]);
    await c.expectError('batch mismatch', () => matmul(x, y), '[2, 3, 4]', '[5, 4, 3]');
  }),
];
