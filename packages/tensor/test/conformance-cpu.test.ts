import { afterAll, describe, expect, it } from 'vitest';
import { CpuBackend, createCpuBackend } from '@transformer-kit/tensor';
import { describeConformance } from '@transformer-kit/tensor/testing';

// The CPU backend against every golden value (and every fused kernel against its composite).
describeConformance(() => createCpuBackend(), { describe, it, expect, afterAll }, { title: 'conformance: cpu' });

// The same suite with every output buffer recycled (no size threshold) and poisoned with NaN / INT32_MIN / 0xAB
// before reuse: a kernel that leaves any element of a recycled output unwritten fails here.
const poisoned: CpuBackend[] = [];
describeConformance(
  () => {
    const backend = new CpuBackend({ bufferPool: { minBytes: 0, poison: true } });
    poisoned.push(backend);
    return backend;
  },
  { describe, it, expect, afterAll },
  { title: 'conformance: cpu, every output buffer recycled and poisoned' },
);

// runs after the suite above (vitest keeps a file's tests in order): the suite really ran on recycled buffers
it('the poisoned run served hundreds of outputs from recycled buffers', () => {
  const reused = poisoned.reduce((n, b) => n + b.bufferPoolStats().reused, 0);
  expect(reused).toBeGreaterThan(250);
});

// Every one-row matmul that the WebAssembly SIMD kernel takes goes there at once (no second-use wait).
describeConformance(() => new CpuBackend({ wasm: { mirrorOnUse: 1 } }), { describe, it, expect, afterAll }, { title: 'conformance: cpu, WebAssembly matmul on first use' });
