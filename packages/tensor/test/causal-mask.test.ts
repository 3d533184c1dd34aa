import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { causalMask, createCpuBackend, tensor, tril, triu } from '@transformer-kit/tensor';
import { fixturesDir, loadFixture } from './fixture-files';

/** The rule written out: key j is hidden from the query at position p when j > p, or j ≤ p − window. */
function hidden(seqQ: number, seqK: number, offset: number, window?: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < seqQ; i++) for (let j = 0; j < seqK; j++) out.push(j > offset + i || (window !== undefined && j <= offset + i - window) ? 1 : 0);
  return out;
}

describe('causalMask: the one causal mask (attention, attend, triu/tril build on it)', () => {
  const fixture = 'attention/mha-causal.safetensors';
  it.skipIf(!existsSync(join(fixturesDir, fixture)))(`equals PyTorch's causal attn_mask of ${fixture}`, () => {
    const { file, config } = loadFixture(fixture);
    expect(config.causal).toBe(true);
    const torchMask = file.read('input.attn_mask'); // [6, 6], true = not allowed
    expect(Array.from(causalMask(6, 6).dataSync())).toEqual(Array.from(torchMask));
  });

  it('hides the future of each query, and with a window the keys too far back, for any integer offset', () => {
    for (const [seqQ, seqK] of [[1, 1], [3, 3], [2, 5], [4, 7], [5, 3]]) {
      for (const offset of [-6, -2, -1, 0, 1, seqK - seqQ, seqK + 2]) {
        for (const window of [undefined, 1, 2, 3, 10]) {
          const mask = causalMask(seqQ, seqK, offset, { window });
          expect(mask.dtype).toBe('bool');
          expect(mask.shape).toEqual([seqQ, seqK]);
          expect(Array.from(mask.dataSync()), `seqQ ${seqQ}, seqK ${seqK}, offset ${offset}, window ${window}`).toEqual(hidden(seqQ, seqK, offset, window));
        }
      }
    }
  });

  it('is made on the backend it is asked for, not the active one', () => {
    const other = createCpuBackend();
    expect(causalMask(2, 3, 1, { backend: other }).backend).toBe(other);
  });

  it('names a bad size, offset or window', () => {
    expect(() => causalMask(-1, 3)).toThrow('causalMask: seqQ and seqK must be integers ≥ 0, got -1 and 3');
    expect(() => causalMask(2, 3, 0.5)).toThrow('causalMask: queryOffset must be an integer, got 0.5');
    expect(() => causalMask(2, 3, 0, { window: 0 })).toThrow('causalMask: window must be an integer ≥ 1, got 0');
  });

  it("triu/tril on it still give NumPy's documented results (numpy.triu/tril examples, k = -1)", () => {
    const m = () => tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [4, 3]);
    expect(Array.from(triu(m(), -1).dataSync())).toEqual([1, 2, 3, 4, 5, 6, 0, 8, 9, 0, 0, 12]);
    expect(Array.from(tril(m(), -1).dataSync())).toEqual([0, 0, 0, 4, 0, 0, 7, 8, 0, 10, 11, 12]);
    // k past the matrix: everything or nothing
    expect(Array.from(triu(m(), 5).dataSync())).toEqual(new Array(12).fill(0));
    expect(Array.from(tril(m(), 5).dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});
