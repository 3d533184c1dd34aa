import { getBackend, randomNormal, setBackend, tensor, type Backend } from '@transformer-kit/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { MEMORY_EFFICIENT_THRESHOLD, causalMask, keyPaddingMask, memoryEfficientAttention, scaledDotProductAttention } from '../src/index';
import { expectClose, values } from './helpers/fixtures';
import { createMeasuringBackend } from './helpers/measuring-backend';

describe('memory-efficient attention equals the plain path within 1e-5', () => {
  const q = randomNormal([2, 4, 300, 32], 0, 1, { seed: 11 }); // [batch, heads, seq, headDim]
  const k = randomNormal([2, 2, 300, 32], 0, 1, { seed: 12 }); // GQA: 2 kv heads
  const v = randomNormal([2, 2, 300, 32], 0, 1, { seed: 13 });
  const cases = {
    'no mask': {},
    causal: { causal: true },
    'causal, queries after 40 cached positions': { causal: true, queryOffset: 40, kvLength: 290 },
    'padding + causal': { causal: true, mask: keyPaddingMask([300, 173], 300) },
    'ALiBi-style bias + causal': {
      causal: true,
      bias: tensor(Array.from({ length: 4 * 300 }, (_, n) => -0.05 * (1 + (n % 4)) * Math.floor(n / 4)), [1, 4, 1, 300]),
    },
    'custom scale': { scale: 0.5 },
  };
  for (const [name, options] of Object.entries(cases)) {
    for (const blockSize of [64, 37, 300]) {
      it(`${name}, blocks of ${blockSize}`, () => {
        const plain = scaledDotProductAttention(q, k, v, { ...options, implementation: 'composed' }).output;
        const efficient = memoryEfficientAttention(q, k, v, { ...options, blockSize });
        expectClose(values(efficient), values(plain), 1e-5, name);
      });
    }
  }
});

describe('memory-efficient attention never materialises the [seq, seq] scores', () => {
  let previous: Backend;
  afterEach(() => {
    setBackend(previous);
  });

  it('every allocation is far smaller than one head\'s score matrix, and the peak is under a quarter of the plain path', () => {
    previous = getBackend();
    const seq = 1024;
    const heads = 2;
    const run = (implementation: 'composed' | 'memory-efficient') => {
      const backend = createMeasuringBackend();
      setBackend(backend);
      const q = randomNormal([1, heads, seq, 16], 0, 1, { seed: 1 });
      const k = randomNormal([1, heads, seq, 16], 0, 1, { seed: 2 });
      const v = randomNormal([1, heads, seq, 16], 0, 1, { seed: 3 });
      backend.allocations.length = 0;
      backend.resetPeak();
      const base = backend.liveBytes;
      const out = scaledDotProductAttention(q, k, v, { causal: true, implementation, blockSize: 128 }).output;
      const result = { backend, peak: backend.peakBytes - base, out: values(out) };
      setBackend(previous);
      return result;
    };
    const plain = run('composed');
    const efficient = run('memory-efficient');
    const scoreElements = seq * seq;
    // The plain path does build them (the instrument sees it)...
    expect(plain.backend.allocations.some((a) => a.shape.slice(-2).join() === `${seq},${seq}`)).toBe(true);
    // ...the memory-efficient path does not, nor anything of that size.
    expect(efficient.backend.allocations.some((a) => a.shape.slice(-2).join() === `${seq},${seq}`)).toBe(false);
    const largest = Math.max(...efficient.backend.allocations.map((a) => a.bytes));
    expect(largest).toBeLessThan((scoreElements * 4) / 8);
    expect(efficient.peak).toBeLessThan(plain.peak / 4);
    expectClose(efficient.out, plain.out, 1e-5, 'same answer');
  });

  it("'auto' takes the memory-efficient path for long sequences when it cannot use a fused kernel", () => {
    previous = getBackend();
    const seq = Math.ceil(Math.sqrt(MEMORY_EFFICIENT_THRESHOLD));
    const backend = createMeasuringBackend({ fusedAttention: false });
    setBackend(backend);
    const q = randomNormal([1, 1, seq, 8], 0, 1, { seed: 1 });
    const mask = keyPaddingMask([seq - 3], seq); // a mask rules out the fused kernel anyway
    backend.allocations.length = 0;
    scaledDotProductAttention(q, q, q, { causal: true, mask });
    expect(backend.allocations.some((a) => a.shape.slice(-2).join() === `${seq},${seq}`)).toBe(false);
    // while the composed path (weights requested) does build float32 [seq, seq] scores
    const square = causalMask(seq, seq);
    backend.allocations.length = 0;
    scaledDotProductAttention(q, q, q, { mask: square, returnWeights: true });
    expect(backend.allocations.some((a) => a.shape.slice(-2).join() === `${seq},${seq}` && a.bytes === 4 * seq * seq)).toBe(true);
  });
});
