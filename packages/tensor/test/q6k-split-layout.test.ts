import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { castTo, CpuBackend, gather, installWeightKernels, matmul, readGguf, setBackend, tensor, weightTensor } from '@transformer-kit/tensor';
import { ggmlQ6KRows, jsWeightKernels, q6kSplitLayout, useWeightKernels, weightKernels } from '@transformer-kit/tensor/quant';
import { sharedDir } from './fixture-files';

// The CPU backend holds q6_k weights in the split layout (u8 codes | i8 scales | f16 d, q6k-split-layout.ts).
// Checked against ggml's bytes and ggml's decoded values of quant-types.gguf's q6_k.weight [16, 512] (decoded
// bit-exact against ggml in gguf-decode.test.ts), and against the standalone kernels given ggml's own bytes.
const ggufPath = join(sharedDir, 'quant/quant-types.gguf');
const missing = !existsSync(ggufPath);
if (missing) console.warn(`skipped: ${ggufPath} is missing (../shared is not beside the repository)`);

/** An IEEE half's value (independent of the library's decoder). */
function half(lo: number, hi: number): number {
  const h = lo | (hi << 8);
  const e = (h >> 10) & 31;
  const f = h & 1023;
  const v = e === 0 ? f * 2 ** -24 : e === 31 ? (f ? NaN : Infinity) : (1 + f / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -v : v;
}

const backends: CpuBackend[] = [];
afterAll(() => backends.forEach((b) => b.destroy()));

describe.skipIf(missing)('q6_k in the split layout', () => {
  const gguf = missing ? null : readGguf(readFileSync(ggufPath));
  const ggml = missing ? new Uint8Array(0) : gguf!.bytes('q6_k.weight').slice();
  const decoded = missing ? new Float32Array(0) : gguf!.read('q6_k.weight');
  const [rows, cols] = [16, 512];
  useWeightKernels();

  it('holds ggml values as d · sc · (q - 32), 274 bytes per super-block, and gives back ggml bytes exactly', () => {
    const layout = q6kSplitLayout(rows, cols);
    expect(layout.bytes).toBe(rows * 2 * 274);
    const split = new Uint8Array(layout.bytes);
    layout.write(ggml, split);
    // codes [rows, cols], then scales [rows, cols/16], then d [rows, cols/256]
    const values = Float32Array.from({ length: rows * cols }, (_, e) => {
      const d = half(split[rows * cols * 17 / 16 + 2 * (e >> 8)], split[rows * cols * 17 / 16 + 2 * (e >> 8) + 1]);
      const sc = (split[rows * cols + (e >> 4)] << 24) >> 24;
      return d * sc * ((split[e] << 24) >> 24);
    });
    expect(Array.from(values)).toEqual(Array.from(decoded));
    expect(Array.from(ggmlQ6KRows(split, rows, cols, 0, rows))).toEqual(Array.from(ggml));
    expect(Array.from(ggmlQ6KRows(split, rows, cols, 5, 9))).toEqual(Array.from(ggml.subarray(5 * 420, 9 * 420)));
  });

  it('the CPU backend stores it so (274 bytes per super-block), reads and gathers ggml values, and multiplies with the same bits as the standalone kernels given ggml bytes', () => {
    const cpu = new CpuBackend({ threads: 1 });
    backends.push(cpu);
    setBackend(cpu);
    const before = cpu.heapStats().usedBytes;
    const w = weightTensor(ggml, [rows, cols], 'q6_k');
    // 8768 bytes, in a block of 9216 (its size class); ggml's 6720 would take one of 7168
    expect(cpu.heapStats().usedBytes - before).toBe(9216);
    expect(Array.from(castTo(w, 'float32').dataSync())).toEqual(Array.from(decoded));
    expect(Array.from(gather(w, tensor([15, 2], [2], 'int32')).dataSync())).toEqual([...decoded.subarray(15 * cols, 16 * cols), ...decoded.subarray(2 * cols, 3 * cols)]);
    for (const m of [1, 3]) {
      const x = Float32Array.from({ length: m * cols }, (_, i) => Math.cos(i * 0.37));
      const direct = new Float32Array(m * rows);
      weightKernels().matmul(x, m, { dtype: 'q6_k', bytes: ggml.slice(), rows, cols }, direct); // ggml's layout
      expect(Array.from(matmul(tensor(x, [m, cols]), w, { transposeB: true }).dataSync())).toEqual(Array.from(direct));
    }
  });

  it('a CPU backend without its WebAssembly engine (wasm: false) multiplies the split layout through the installed kernels alike', () => {
    const cpu = new CpuBackend({ threads: 1, wasm: false });
    backends.push(cpu);
    setBackend(cpu);
    const before = cpu.heapStats().usedBytes;
    const w = weightTensor(ggml, [rows, cols], 'q6_k');
    expect(cpu.heapStats().usedBytes - before).toBe(9216); // held split here too
    for (const m of [1, 3]) {
      const x = Float32Array.from({ length: m * cols }, (_, i) => Math.sin(i * 0.29));
      const direct = new Float32Array(m * rows);
      weightKernels().matmul(x, m, { dtype: 'q6_k', bytes: ggml.slice(), rows, cols }, direct);
      expect(Array.from(matmul(tensor(x, [m, cols]), w, { transposeB: true }).dataSync())).toEqual(Array.from(direct));
    }
    expect(Array.from(castTo(w, 'float32').dataSync())).toEqual(Array.from(decoded));
  });

  it('a q6_k weight uploaded in ggml blocks (under kernels without the layout) is multiplied by the WebAssembly kernels alike', () => {
    const cpu = new CpuBackend({ threads: 1 });
    backends.push(cpu);
    setBackend(cpu);
    installWeightKernels(jsWeightKernels); // no layout: the heap holds ggml's 210 bytes per super-block
    const before = cpu.heapStats().usedBytes;
    const w = weightTensor(ggml, [rows, cols], 'q6_k');
    expect(cpu.heapStats().usedBytes - before).toBe(7168); // 6720 bytes, in a block of 7168
    useWeightKernels(); // the heap kernels read only the split layout: this weight goes through WeightKernels.matmul
    const x = Float32Array.from({ length: 2 * cols }, (_, i) => Math.cos(i * 0.21));
    const direct = new Float32Array(2 * rows);
    weightKernels().matmul(x, 2, { dtype: 'q6_k', bytes: ggml.slice(), rows, cols }, direct);
    expect(Array.from(matmul(tensor(x, [2, cols]), w, { transposeB: true }).dataSync())).toEqual(Array.from(direct));
  });

  it('one activation row (the fused kernel) gives the same bits on 1 and 2 threads, split on 2', () => {
    // W [1024, 512]: q6_k.weight's rows 64 times over, so the rows split across threads
    const big = new Uint8Array(ggml.length * 64);
    for (let t = 0; t < 64; t++) big.set(ggml, t * ggml.length);
    const x = Float32Array.from({ length: cols }, (_, i) => Math.sin(i * 0.11));
    const runs = [1, 2].map((threads) => {
      const cpu = new CpuBackend({ threads });
      backends.push(cpu);
      setBackend(cpu);
      const y = matmul(tensor(x, [1, cols]), weightTensor(big, [rows * 64, cols], 'q6_k'), { transposeB: true }).dataSync();
      return { bits: Array.from(new Uint32Array(Float32Array.from(y).buffer)), parallelRuns: cpu.engineStats().parallelRuns };
    });
    expect(runs[1].parallelRuns).toBeGreaterThan(0);
    expect(runs[1].bits).toEqual(runs[0].bits);
    expect(runs[0].bits.slice(0, rows)).toEqual(runs[0].bits.slice(rows, 2 * rows)); // repeated rows, repeated outputs
  });
});
