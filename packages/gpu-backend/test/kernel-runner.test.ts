import { describe, expect, it } from 'vitest';
import { GPU } from 'gpu.js';
import { KernelRunner } from '../src/kernel-runner';

// The runner refuses a kernel that gpu.js put on another kernel class than the mode's. The class is compared by
// identity, so the check survives a minifier renaming classes (a bundle without esbuild's keepNames).
describe('KernelRunner kernel-class check', () => {
  const spec = () => ({ params: [], body: 'return this.thread.x;' });

  it('accepts a kernel on the class of its mode', () => {
    const gpu = new GPU({ mode: 'cpu' });
    const runner = new KernelRunner(gpu, 'cpu', { launches: 0, compiles: 0, texels: 0 }, 1000);
    expect(Array.from(runner.run('iota', spec, 3, []) as Float32Array)).toEqual([0, 1, 2]);
    runner.destroy();
    gpu.destroy();
  });

  it('refuses a kernel gpu.js built on another class, naming both', () => {
    const gpu = new GPU({ mode: 'cpu' });
    const runner = new KernelRunner(gpu, 'headlessgl', { launches: 0, compiles: 0, texels: 0 }, 1000);
    expect(() => runner.run('iota', spec, 3, [])).toThrow("gpu.js moved kernel 'iota' from HeadlessGLKernel to CPUKernel: refusing a silent downgrade");
    runner.destroy();
    gpu.destroy();
  });
});
