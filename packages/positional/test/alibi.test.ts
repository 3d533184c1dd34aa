import { describe, expect, it } from 'vitest';
import { alibiBias, alibiSlopes } from '../src/index';
import { expectClose, loadFixture, values } from './helpers/fixtures';

describe('ALiBi', () => {
  for (const name of ['alibi-8', 'alibi-12']) {
    it(`${name}: slopes and bias equal the fixture`, (ctx) => {
      const fx = loadFixture(`positional/${name}.safetensors`);
      if (!fx) return ctx.skip();
      const { num_heads, seq_len } = fx.config as { num_heads: number; seq_len: number };
      expectClose(alibiSlopes(num_heads), fx.file.read('expected.slopes'), 1e-6, 'slopes');
      const bias = alibiBias(num_heads, seq_len);
      expect(bias.shape).toEqual([num_heads, seq_len, seq_len]);
      expectClose(values(bias), fx.file.read('expected.bias'), 1e-4, 'bias');
    });
  }

  it("non-powers of two follow the paper's rule: the closest power of two, then every other slope of the next", () => {
    // 6 heads: 4 → 2^-2, 2^-4, 2^-6, 2^-8; then 8 → 2^-1, 2^-3 (slopes 1 and 3 of 2^-1 … 2^-8)
    expect(alibiSlopes(6)).toEqual([0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125]);
    expect(() => alibiSlopes(0)).toThrow(/heads must be an integer ≥ 1, got 0/);
  });

  it('a decode step: one query after 9 cached positions gets the last row of the full bias', (ctx) => {
    const fx = loadFixture('positional/alibi-8.safetensors');
    if (!fx) return ctx.skip();
    const full = fx.file.read('expected.bias'); // [8, 6, 6]
    const step = values(alibiBias(8, 1, 6)); // [8, 1, 6]
    for (let h = 0; h < 8; h++) expectClose(step.subarray(h * 6, h * 6 + 6), full.subarray((h * 6 + 5) * 6, (h * 6 + 6) * 6), 1e-6, `head ${h}`);
  });
});
