import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { castTo, createCpuBackend, gather, matmul, readGguf, seededRandom, setBackend, tensor, weightDTypeOfGgml, weightTensor, WEIGHT_TYPES } from '@transformer-kit/tensor';
import { jsWeightKernels, useWeightKernels, weightKernels } from '@transformer-kit/tensor/quant';
import { sharedDir } from './fixture-files';

// Packed-weight matmul against the decoded float32 matmul, per type of quant-types.gguf ([16, 512] each; the
// decoding itself is checked bit-exact against ggml in gguf-decode.test.ts). Float32 activations: the stated
// bound is 1e-5 relative to Σ|x·w| (the sum of magnitudes, since the dot products cancel).
const ggufPath = join(sharedDir, 'quant/quant-types.gguf');
const missing = !existsSync(ggufPath);
if (missing) console.warn(`skipped: ${ggufPath} is missing (../shared is not beside the repository)`);

function reference(x: Float32Array, m: number, w: Float32Array, n: number, k: number): { y: Float64Array; mag: Float64Array } {
  const y = new Float64Array(m * n);
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let a = 0;
      for (let c = 0; c < k; c++) {
        s += x[i * k + c] * w[j * k + c];
        a += Math.abs(x[i * k + c] * w[j * k + c]);
      }
      y[i * n + j] = s;
      mag[i * n + j] = a;
    }
  }
  return { y, mag };
}

describe.skipIf(missing)('quantized matmul = decoded float32 matmul (quant-types.gguf)', () => {
  const gguf = missing ? null : readGguf(readFileSync(ggufPath));
  beforeAll(() => {
    setBackend(createCpuBackend());
    useWeightKernels();
  });
  const types = WEIGHT_TYPES.filter((t) => t !== 'F32');
  function setup(type: string, seed: number) {
    const name = `${type.toLowerCase()}.weight`;
    const info = gguf!.info(name)!;
    const [n, k] = info.shape;
    // a fresh copy of the bytes: the installed kernels adopt (move) the weight they are given
    const w = { dtype: weightDTypeOfGgml(info.type)!, bytes: gguf!.bytes(name).slice(), rows: n, cols: k };
    const random = seededRandom(seed);
    const m = 7;
    const x = Float32Array.from({ length: m * k }, () => random() * 2 - 1);
    return { x, m, w, decoded: gguf!.read(name), n, k };
  }
  // The TypeScript kernels: float32 activations, 1e-5 relative to Σ|x·w|.
  it.each(types.map((t) => [t]))('%s: TypeScript kernels, one row and 7 rows, within 1e-5 of Σ|x·w|', (type) => {
    const { x, m, w, decoded, n, k } = setup(type, 1);
    for (const rows of [1, m]) {
      const out = new Float32Array(rows * n);
      jsWeightKernels.matmul(x, rows, w, out);
      const { y, mag } = reference(x, rows, decoded, n, k);
      expect(Math.max(...Array.from(out, (v, i) => Math.abs(v - y[i]) / mag[i]))).toBeLessThanOrEqual(1e-5);
    }
  });

  // The installed kernels (WebAssembly SIMD for q4_0, q4_1, q5_0, q5_1, q8_0, q4_k, q5_k, q6_k) quantize
  // activations to 16 bits per block of 32: |x - x̂| ≤ xd/2, xd = max|x_block| / 32767, so
  // |y - y_exact| ≤ Σ_b xd_b/2 · Σ_b|w| (plus float32 rounding, 1e-5 of Σ|x·w|). Checked for 1 and 7 rows (the
  // decode and the prompt path).
  it.each(types.map((t) => [t]))('%s: installed kernels within the 16-bit activation bound', (type) => {
    const { x, m, w, decoded, n, k } = setup(type, 2);
    const g = 32;
    for (const rows of [1, m]) {
      const out = new Float32Array(rows * n);
      weightKernels().matmul(x, rows, w, out);
      const { y, mag } = reference(x, rows, decoded, n, k);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < n; j++) {
          let bound = 1e-5 * mag[i * n + j];
          for (let b = 0; b < k / g; b++) {
            let amax = 0;
            let wsum = 0;
            for (let c = b * g; c < b * g + g; c++) {
              amax = Math.max(amax, Math.abs(x[i * k + c]));
              wsum += Math.abs(decoded[j * k + c]);
            }
            bound += (amax / 32767 / 2) * wsum;
          }
          expect(Math.abs(out[i * n + j] - y[i * n + j])).toBeLessThanOrEqual(bound);
        }
      }
    }
  });

  it('the WebAssembly kernels are the installed ones in Node (and do quantize activations: not bit-equal to float32)', () => {
    expect(weightKernels()).not.toBe(jsWeightKernels);
    const { x, w, n } = setup('Q4_K', 3);
    const a = new Float32Array(n);
    const b = new Float32Array(n);
    weightKernels().matmul(x, 1, w, a);
    jsWeightKernels.matmul(x, 1, w, b);
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it.each(types.map((t) => [t]))('%s through the ops: matmul(x, W, transposeB), gather rows and castTo float32 decode exactly', (type) => {
    const name = `${type.toLowerCase()}.weight`;
    const info = gguf!.info(name)!;
    const decoded = gguf!.read(name);
    const w = weightTensor(gguf!.bytes(name), info.shape, weightDTypeOfGgml(info.type)!);
    expect(Array.from(castTo(w, 'float32').dataSync())).toEqual(Array.from(decoded));
    const rows = gather(w, tensor([3, 0, 15], [3], 'int32')).dataSync() as Float32Array;
    expect(Array.from(rows)).toEqual([...decoded.subarray(3 * 512, 4 * 512), ...decoded.subarray(0, 512), ...decoded.subarray(15 * 512, 16 * 512)]);
    // the ops reach the installed kernel with the right operands: the same values as calling it directly
    const xs = Float32Array.from({ length: 2 * 512 }, (_, i) => Math.sin(i));
    const y = matmul(tensor(xs, [1, 2, 512]), w, { transposeB: true }); // [1, 2, 16]
    expect(y.shape).toEqual([1, 2, 16]);
    const direct = new Float32Array(32);
    weightKernels().matmul(xs, 2, { dtype: weightDTypeOfGgml(info.type)!, bytes: gguf!.bytes(name).slice(), rows: 16, cols: 512 }, direct);
    expect(Array.from(y.dataSync())).toEqual(Array.from(direct));
  });

  it('packed weights are refused where they make no sense, with a named error', () => {
    const w = weightTensor(gguf!.bytes('q4_k.weight'), [16, 512], 'q4_k');
    expect(() => matmul(w, w, { transposeB: true })).toThrow(/matmul: expected a float32 tensor, got q4_k \[16, 512\]/);
    expect(() => matmul(tensor(new Float32Array(16), [1, 16]), w)).toThrow(/matmul: a q4_k weight must be the right operand, \[out, in\] with transposeB/);
    expect(() => castTo(w, 'int32')).toThrow(/castTo: cannot cast q4_k to int32/);
    expect(() => gather(w, tensor([16], [1], 'int32'))).toThrow(/gather: index 16 is out of range for a q4_k table of 16 rows/);
    expect(() => weightTensor(new Uint8Array(10), [16, 512], 'q4_k')).toThrow(/weightTensor: q4_k \[16, 512\] takes 4608 bytes, got 10/);
  });
});
