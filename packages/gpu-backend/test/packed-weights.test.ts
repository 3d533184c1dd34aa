import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gather, matmul, readGguf, seededRandom, tensor, weightDTypeOfGgml, weightTensor } from '@transformer-kit/tensor';
import { useWeightKernels } from '@transformer-kit/tensor/quant';
import { createGpuBackend } from '../src/index';

// Packed weights on the GPU backend: decoded at upload (float32 textures), then the ordinary kernels; results
// against the CPU's float32 math on ggml's decoding, within the GPU tolerance (2e-3).
const file = resolve(import.meta.dirname, '../../../../shared/quant/quant-types.gguf');
const missing = !existsSync(file);
if (missing) console.warn(`skipped: ${file} is missing (../shared is not beside the repository)`);

describe.skipIf(missing)('gpu.js backend runs packed weights (decoded at upload)', async () => {
  const gpu = await createGpuBackend({ mode: 'headlessgl', log: () => {} });
  afterAll(() => gpu.destroy?.());
  const gguf = missing ? null : readGguf(readFileSync(file));
  it.each(['q4_k', 'q6_k', 'q8_0', 'q5_0', 'f16'])('%s: x · Wᵀ and row gather', (name) => {
    useWeightKernels();
    const info = gguf!.info(`${name}.weight`)!;
    const decoded = gguf!.read(info.name);
    const w = weightTensor(gguf!.bytes(info.name), info.shape, weightDTypeOfGgml(info.type)!, gpu);
    const random = seededRandom(3);
    const x = Float32Array.from({ length: 2 * 512 }, () => random() - 0.5);
    const y = matmul(tensor(x, [2, 512], 'float32', gpu), w, { transposeB: true }).dataSync(); // [2, 16]
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 16; j++) {
        let s = 0;
        for (let c = 0; c < 512; c++) s += x[i * 512 + c] * decoded[j * 512 + c];
        expect(Math.abs(y[i * 16 + j] - s)).toBeLessThanOrEqual(2e-3 * (1 + Math.abs(s)));
      }
    }
    const rows = gather(w, tensor([5], [1], 'int32', gpu)).dataSync();
    for (let c = 0; c < 512; c++) expect(Math.abs(rows[c] - decoded[5 * 512 + c])).toBeLessThanOrEqual(2e-3 * (1 + Math.abs(decoded[5 * 512 + c])));
  });
});
