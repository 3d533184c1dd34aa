import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGguf, seededRandom, weightByteLength, weightDTypeOfGgml, weightBlock } from '@transformer-kit/tensor';
import { instantiateQuantKernels, Q6K_SPLIT_TYPE, q6kSplitLayout, QUANT_KERNEL_TYPES, QUANT_SCRATCH_BYTES, quantKernelsModule } from '@transformer-kit/tensor/quant';
import { sharedDir } from './fixture-files';

// quant-kernels.wat through its typed view, on a memory of the test's own (as the CPU backend's heap would be):
// the ABI (rows of W in [begin, end), same bits for any split), the activation quantizer's stated bound, and
// exact f16 block scales (subnormal, infinite, NaN) in both code paths (fused one-row and unpacked).
const ggufPath = join(sharedDir, 'quant/quant-types.gguf');
const missing = !existsSync(ggufPath);
if (missing) console.warn(`skipped: ${ggufPath} is missing (../shared is not beside the repository)`);

/** A memory with a bump allocator (16-byte aligned). */
function arena(shared = false) {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared });
  let top = 16;
  const alloc = (bytes: number) => {
    const at = top;
    top += Math.ceil(bytes / 16) * 16;
    if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
    return at;
  };
  return { memory, alloc, q: instantiateQuantKernels(memory, shared) };
}

/** Quantized activations for x [m, k] in the arena. */
function activations(a: ReturnType<typeof arena>, x: Float32Array, m: number, k: number) {
  const xf = a.alloc(m * k * 4);
  const xq = a.alloc(m * k * 2);
  const xd = a.alloc((m * k) / 8);
  const xs = a.alloc((m * k) / 8);
  new Float32Array(a.memory.buffer, xf, m * k).set(x);
  a.q.quantizeActivations(xf, xq, xd, xs, m, k);
  return { xq, xd, xs };
}

describe('quantizeActivations', () => {
  it.each([[512], [96]])('k = %i: per 32-block |x - xd·xq| ≤ xd/2 with xd = max|x| / 32767, xs = Σ xq', (k) => {
    const a = arena();
    const m = 3;
    const random = seededRandom(k);
    const x = Float32Array.from({ length: m * k }, (_, i) => (i < k / 2 ? 0 : (random() * 2 - 1) * 10 ** Math.floor(random() * 4 - 2)));
    const { xq, xd, xs } = activations(a, x, m, k);
    const q = new Int16Array(a.memory.buffer, xq, m * k);
    const d = new Float32Array(a.memory.buffer, xd, (m * k) / 32);
    const s = new Int32Array(a.memory.buffer, xs, (m * k) / 32);
    const g = 32;
    for (let start = 0; start < m * k; start += g) {
      let amax = 0;
      for (let i = start; i < start + g; i++) amax = Math.max(amax, Math.abs(x[i]));
      const scale = Math.fround(amax / 32767);
      for (let b = start / 32; b < (start + g) / 32; b++) {
        expect(d[b]).toBe(scale);
        let sum = 0;
        for (let i = b * 32; i < b * 32 + 32; i++) {
          expect(Math.abs(x[i] - scale * q[i])).toBeLessThanOrEqual(scale / 2);
          sum += q[i];
        }
        expect(s[b]).toBe(sum);
      }
    }
    // the first half-row is zeros: scale 0, codes 0 (not NaN)
    expect(d[0]).toBe(0);
    expect(q[0]).toBe(0);
  });
});

describe('qmatmul', () => {
  it('refuses a type it does not multiply (returns -1, writes nothing)', () => {
    const a = arena();
    const y = a.alloc(16);
    new Float32Array(a.memory.buffer, y, 4).fill(7);
    expect(QUANT_KERNEL_TYPES).not.toContain(10);
    expect(a.q.qmatmul(10, a.alloc(256), 1, 84, 1, 256, 0, 0, 0, 1, y, a.alloc(QUANT_SCRATCH_BYTES), 0, 1)).toBe(-1);
    // q6_k in ggml's blocks (14): only its split layout (Q6K_SPLIT_TYPE) is multiplied here
    expect(QUANT_KERNEL_TYPES).not.toContain(14);
    expect(a.q.qmatmul(14, a.alloc(210), 1, 210, 1, 256, 0, 0, 0, 1, y, a.alloc(QUANT_SCRATCH_BYTES), 0, 1)).toBe(-1);
    expect(Array.from(new Float32Array(a.memory.buffer, y, 4))).toEqual([7, 7, 7, 7]);
  });

  it('one compiled module per variant, instantiated on a shared memory too', () => {
    expect(quantKernelsModule(true)).toBe(quantKernelsModule(true));
    expect(quantKernelsModule(false)).not.toBe(quantKernelsModule(true));
    expect(() => arena(true)).not.toThrow();
  });

  // q8_0 blocks whose d is each f16 class; x = [32767, 1, 0, …] quantizes exactly (xd = 1), codes [0, 1, 0, …]
  // make y = d exactly, so y shows d's decoding bit for bit (±subnormal, normal, max, NaN); an infinite d gives
  // a non-finite y (the decoded block holds inf · 0 = NaN, as ggml's dequantization does)
  const scales = [0x0001, 0x0200, 0x03ff, 0x0400, 0x8400, 0x3c00, 0x3c01, 0x7bff, 0x7e00, 0x8001, 0x7c00, 0xfc00];
  it.each([[1], [2]])('f16 block scales decode exactly (m = %i: the fused and the unpacked path)', (m) => {
    const a = arena();
    const n = scales.length;
    const k = 32;
    const w = a.alloc(n * 34);
    const bytes = new Uint8Array(a.memory.buffer);
    scales.forEach((h, j) => {
      bytes[w + j * 34] = h & 255;
      bytes[w + j * 34 + 1] = h >> 8;
      bytes[w + j * 34 + 3] = 1; // code 1 at position 1
    });
    const x = new Float32Array(m * k);
    for (let i = 0; i < m; i++) x.set([32767, 1], i * k);
    const { xq, xd, xs } = activations(a, x, m, k);
    const y = a.alloc(m * n * 4);
    expect(a.q.qmatmul(8, w, n, 34, 1, k, xq, xd, xs, m, y, a.alloc(QUANT_SCRATCH_BYTES), 0, n)).toBe(0);
    const out = new Float32Array(a.memory.buffer, y, m * n);
    const f16 = new Float32Array(scales.length);
    const view = new DataView(new ArrayBuffer(4));
    scales.forEach((h, i) => {
      // f16 → f32 by its definition (sign, 5-bit exponent, 10-bit mantissa)
      const e = (h >> 10) & 31;
      const f = h & 1023;
      const v = e === 0 ? f * 2 ** -24 : e === 31 ? (f ? NaN : Infinity) : (1 + f / 1024) * 2 ** (e - 15);
      view.setFloat32(0, h & 0x8000 ? -v : v);
      f16[i] = view.getFloat32(0);
    });
    for (let i = 0; i < m; i++) {
      expect(Array.from(out.subarray(i * n, i * n + n - 2))).toEqual(Array.from(f16.subarray(0, n - 2)));
      expect(Array.from(out.subarray(i * n + n - 2, (i + 1) * n)).some(Number.isFinite)).toBe(false);
    }
  });

  describe.skipIf(missing)('same bits for any split of the rows (quant-types.gguf)', () => {
    const gguf = missing ? null : readGguf(readFileSync(ggufPath));
    const names = ['q4_0', 'q4_1', 'q5_0', 'q5_1', 'q8_0', 'q4_k', 'q5_k', 'q6_k'];
    it.each(names.map((t) => [t]))('%s: [0, n) = [0, 5) + [5, 11) + [11, n), for 1 and 6 activation rows', (name) => {
      const info = gguf!.info(`${name}.weight`)!;
      const [n, k] = info.shape;
      const dtype = weightDTypeOfGgml(info.type)!;
      // q6_k is multiplied in its split layout (written from ggml's bytes), the others in ggml's blocks
      const split = name === 'q6_k' ? q6kSplitLayout(n, k) : null;
      const type = split ? Q6K_SPLIT_TYPE : info.type;
      if (!split) expect(QUANT_KERNEL_TYPES).toContain(info.type);
      const a = arena();
      const bytes = split?.bytes ?? n * weightByteLength(dtype, k);
      const w = a.alloc(bytes);
      if (split) split.write(gguf!.bytes(`${name}.weight`), new Uint8Array(a.memory.buffer, w, bytes));
      else new Uint8Array(a.memory.buffer, w, bytes).set(gguf!.bytes(`${name}.weight`));
      const random = seededRandom(5);
      for (const m of [1, 6]) {
        const { xq, xd, xs } = activations(a, Float32Array.from({ length: m * k }, () => random() * 2 - 1), m, k);
        const whole = a.alloc(m * n * 4);
        const parts = a.alloc(m * n * 4);
        const scratch = [a.alloc(QUANT_SCRATCH_BYTES), a.alloc(QUANT_SCRATCH_BYTES)];
        const call = (y: number, begin: number, end: number, s: number) =>
          a.q.qmatmul(type, w, n, weightByteLength(dtype, k), k / weightBlock(dtype).elements, k, xq, xd, xs, m, y, s, begin, end);
        call(whole, 0, n, scratch[0]);
        call(parts, 11, n, scratch[1]);
        call(parts, 0, 5, scratch[0]);
        call(parts, 5, 11, scratch[1]);
        const u = new Uint32Array(a.memory.buffer, whole, m * n);
        expect(Array.from(new Uint32Array(a.memory.buffer, parts, m * n))).toEqual(Array.from(u));
        expect(Array.from(new Float32Array(a.memory.buffer, whole, m * n)).every(Number.isFinite)).toBe(true);
        if (m > 1 && ![2, 8, 12, Q6K_SPLIT_TYPE].includes(type)) {
          // without a fused kernel, an activation row taken four at a time gives the bits it gives alone
          const one = a.alloc(n * 4);
          for (let i = 0; i < m; i++) {
            a.q.qmatmul(type, w, n, weightByteLength(dtype, k), k / weightBlock(dtype).elements, k, xq + i * k * 2, xd + i * k / 8, xs + i * k / 8, 1, one, scratch[0], 0, n);
            expect(Array.from(new Uint32Array(a.memory.buffer, one, n))).toEqual(Array.from(u.subarray(i * n, (i + 1) * n)));
          }
        }
      }
    });
  });
});
