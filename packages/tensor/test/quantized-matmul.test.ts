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
  for (const kernels of [['installed', () => weightKernels()], ['TypeScript', () => jsWeightKernels]] as const) {
    it.each(types.map((t) => [t]))(`%s: one row and 7 rows, ${kernels[0]} kernels`, (type) => {
      const name = `${type.toLowerCase()}.weight`;
      const info = gguf!.info(name)!;
      const dtype = weightDTypeOfGgml(info.type)!;
      const [n, k] = info.shape;
      const decoded = gguf!.read(name);
      const w = { dtype, bytes: gguf!.bytes(name), rows: n, cols: k };
      const random = seededRandom(7);
      for (const m of [1, 7]) {
        const x = Float32Array.from({ length: m * k }, () => random() * 2 - 1);
        const out = new Float32Array(m * n);
        kernels[1]().matmul(x, m, w, out);
        const { y, mag } = reference(x, m, decoded, n, k);
        const worst = Math.max(...Array.from(out, (v, i) => Math.abs(v - y[i]) / mag[i]));
        expect(worst).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  it.each(types.map((t) => [t]))('%s through the ops: matmul(x, W, transposeB), gather rows and castTo float32 decode exactly', (type) => {
    const name = `${type.toLowerCase()}.weight`;
    const info = gguf!.info(name)!;
    const decoded = gguf!.read(name);
    const w = weightTensor(gguf!.bytes(name), info.shape, weightDTypeOfGgml(info.type)!);
    expect(Array.from(castTo(w, 'float32').dataSync())).toEqual(Array.from(decoded));
    const rows = gather(w, tensor([3, 0, 15], [3], 'int32')).dataSync() as Float32Array;
    expect(Array.from(rows)).toEqual([...decoded.subarray(3 * 512, 4 * 512), ...decoded.subarray(0, 512), ...decoded.subarray(15 * 512, 16 * 512)]);
    const x = tensor(Float32Array.from({ length: 512 }, (_, i) => Math.sin(i)), [1, 1, 512]);
    const y = matmul(x, w, { transposeB: true }); // [1, 1, 16]
    const full = matmul(x, tensor(decoded, [16, 512]), { transposeB: true });
    expect(y.shape).toEqual([1, 1, 16]);
    const a = y.dataSync();
    const b = full.dataSync();
    for (let i = 0; i < 16; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(b[i])) * 8);
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
