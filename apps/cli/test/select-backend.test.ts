import { afterEach, describe, expect, it, vi } from 'vitest';

// What the GPU backend factory is asked for, and what it answers where no GL context can be made (Node
// without an X display): the message gpu-backend's createGpuBackend throws then.
const calls: unknown[] = [];
vi.mock('@transformer-kit/gpu-backend', () => ({
  createGpuBackend: async (options: { mode?: string; allowCpuFallback?: boolean }) => {
    calls.push(options);
    if (options.mode === 'cpu') return { name: 'gpu.js:cpu' };
    if (options.allowCpuFallback === false) throw new Error("gpu.js mode 'auto' is not available here: gl loaded but could not create a context (no X display? run under xvfb-run)");
    return { name: 'gpu.js:cpu' };
  },
}));

const { selectBackend } = await import('../src/select-backend');
const { setBackend, createCpuBackend } = await import('@transformer-kit/tensor');

describe('--backend gpu without a GL context', () => {
  afterEach(() => setBackend(createCpuBackend()));

  it('fails with what to do instead of running gpu.js in JavaScript', async () => {
    await expect(selectBackend('gpu')).rejects.toThrow(/^--backend gpu: no GL context can be made here \(.*\): run under xvfb-run -a, or use --backend cpu$/);
    expect(calls.at(-1)).toEqual({ mode: 'auto', allowCpuFallback: false });
  });

  it("keeps gpu.js' JavaScript mode behind an explicit name, for debugging", async () => {
    expect((await selectBackend('gpu-js-cpu')).name).toBe('gpu.js:cpu');
    expect(calls.at(-1)).toEqual({ mode: 'cpu' });
  });
});
