import { memory } from '../../engine';
import { add, mul } from '../../ops/arithmetic';
import { matmul } from '../../ops/matmul';
import { keep, tidy } from '../../ops/scope';
import { softmax } from '../../ops/softmax';
import type { Tensor } from '../../tensor';
import { ConformanceMismatch } from '../case-context';
import { defineCase, type ConformanceCase } from '../conformance-case';

function same(label: string, actual: number, expected: number): void {
  if (actual !== expected) throw new ConformanceMismatch(`${label}: ${actual}, expected ${expected}`, Infinity);
}

/** Disposal on the backend: scopes free intermediates, views share storage, disposed tensors refuse use. */
export const memoryCases: ConformanceCase[] = [
  ...defineCase('memory: 1000 ops inside tidy leave only the result alive', async (c) => {
    const before = { tensors: memory().numTensors, storages: c.backend.liveDataCount() };
    const x = c.tensor([0.5, -0.25, 1, 2], [2, 2]);
    const y = c.track(tidy(() => {
      let h: Tensor = x;
      for (let i = 0; i < 250; i++) h = softmax(add(mul(matmul(h, x), 0.5), 1)); // 4 ops per turn
      return h;
    }));
    same('live tensors after tidy (x and the result)', memory().numTensors - before.tensors, 2);
    same('backend storages after tidy', c.backend.liveDataCount() - before.storages, 2);
    await c.expect('result rows sum to 1', matmul(y, c.tensor([1, 1], [2, 1])), { shape: [2, 1], values: [1, 1] });
  }),
  ...defineCase('memory: reshape views share storage; storage freed with the last view', async (c) => {
    const storages = c.backend.liveDataCount();
    const t = c.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const view = t.reshape([3, 2]);
    const flat = view.reshape([-1]);
    same('storages for a tensor and two views', c.backend.liveDataCount() - storages, 1);
    t.dispose();
    await c.expect('a view outlives its source', flat, { shape: [6], values: [1, 2, 3, 4, 5, 6] });
    same('storage still alive while a view is', c.backend.liveDataCount() - storages, 1);
    view.dispose();
    same('storage freed with the last view', c.backend.liveDataCount() - storages, 0);
  }),
  ...defineCase('memory: dispose twice is safe; use after dispose is a clear error', async (c) => {
    const t = c.tensor([1, 2], [2]);
    t.dispose();
    t.dispose();
    if (!t.isDisposed) throw new ConformanceMismatch('isDisposed is false after dispose()', Infinity);
    await c.expectError('data()', () => void t.data(), 'dispose');
    await c.expectError('as an op input', () => add(t, 1), 'dispose');
    await c.expectError('reshape', () => t.reshape([1, 2]), 'dispose');
  }),
  ...defineCase('memory: tidy frees everything when its function throws; keep() escapes', async (c) => {
    const tensors = memory().numTensors;
    const x = c.tensor([1, 2], [2]);
    const box: { kept?: Tensor } = {};
    try {
      tidy(() => {
        box.kept = keep(mul(x, 3));
        add(x, 1);
        throw new Error('boom');
      });
    } catch {
      // expected
    }
    same('tensors alive after a throwing tidy (x and the kept one)', memory().numTensors - tensors, 2);
    await c.expect('the kept tensor', box.kept!, { shape: [2], values: [3, 6] });
  }),
];
