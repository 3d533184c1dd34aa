import { zeros } from '@transformer-kit/tensor';
import { describe, expect, it } from 'vitest';
import { addSinusoidal, sinusoidalTable } from '../src/index';
import { expectClose, loadFixture, values } from './helpers/fixtures';

describe('sinusoidal positions', () => {
  it('equal fixtures/positional/sinusoidal-64x16', (ctx) => {
    const fx = loadFixture('positional/sinusoidal-64x16.safetensors');
    if (!fx) return ctx.skip();
    const { max_len, dim } = fx.config as { max_len: number; dim: number };
    const table = sinusoidalTable(max_len, dim);
    expect(table.shape).toEqual([64, 16]);
    expectClose(values(table), fx.file.read('expected.table'), 1e-4, 'table');
    // An offset table is the same rows, further down.
    expectClose(values(sinusoidalTable(10, dim, { offset: 50 })), fx.file.read('expected.table').subarray(50 * 16, 60 * 16), 1e-4, 'offset');
  });

  it('has no table limit: position 100000 follows the formula of the paper', () => {
    const t = values(sinusoidalTable(2, 6, { offset: 100000 }));
    for (let p = 0; p < 2; p++)
      for (let i = 0; i < 3; i++) {
        const angle = (100000 + p) / Math.pow(10000, (2 * i) / 6);
        expect(t[p * 6 + 2 * i]).toBeCloseTo(Math.sin(angle), 5);
        expect(t[p * 6 + 2 * i + 1]).toBeCloseTo(Math.cos(angle), 5);
      }
  });

  it('addSinusoidal adds the rows of each sequence position to every batch entry', (ctx) => {
    const fx = loadFixture('positional/sinusoidal-64x16.safetensors');
    if (!fx) return ctx.skip();
    const out = values(addSinusoidal(zeros([2, 3, 16]), 5));
    const rows = fx.file.read('expected.table').subarray(5 * 16, 8 * 16);
    expectClose(out.subarray(0, 48), rows, 1e-4, 'batch 0');
    expectClose(out.subarray(48), rows, 1e-4, 'batch 1');
    expect(() => sinusoidalTable(3, 0)).toThrow(/dim must be an integer ≥ 1, got 0/);
  });
});
