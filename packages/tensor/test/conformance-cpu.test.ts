import { afterAll, describe, expect, it } from 'vitest';
import { CpuBackend, createCpuBackend } from '@transformer-kit/tensor';
import { describeConformance } from '@transformer-kit/tensor/testing';

// The CPU reference backend against every golden value (and every fused kernel against its composite).
describeConformance(() => createCpuBackend(), { describe, it, expect, afterAll }, { title: 'conformance: cpu' });

// The same suite with every reused heap block poisoned with NaN / INT32_MIN / 0xAB
// before reuse: a kernel that leaves any element of a recycled output unwritten fails here.
const poisoned: CpuBackend[] = [];
describeConformance(
  () => {
    const backend = new CpuBackend({ heap: { poison: true } });
    poisoned.push(backend);
    return backend;
  },
  { describe, it, expect, afterAll },
  { title: 'conformance: cpu, every reused heap block poisoned' },
);

// runs after the suite above (vitest keeps a file's tests in order): the suite really ran on recycled buffers
it('the poisoned run served hundreds of outputs from recycled buffers', () => {
  const reused = poisoned.reduce((n, b) => n + b.heapStats().reused, 0);
  expect(reused).toBeGreaterThan(250);
});

// The same suite on a non-shared memory, which detaches every view when it grows: starting at one page, the
// heap grows under the suite's feet, so a kernel holding a stale view would fail here.
describeConformance(() => new CpuBackend({ heap: { shared: false, initialBytes: 65536 } }), { describe, it, expect, afterAll }, { title: 'conformance: cpu, non-shared heap growing from one page' });

// The TypeScript kernels alone (`wasm: false`): what runs where WebAssembly SIMD is missing, on heap views too.
describeConformance(() => new CpuBackend({ wasm: false }), { describe, it, expect, afterAll }, { title: 'conformance: cpu, TypeScript kernels only' });
