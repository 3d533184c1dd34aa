import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import {
  attend, CpuBackend, dispose, layerNorm, matmul, readGguf, rmsNorm, setBackend, silu, softmax, tensor, weightDTypeOfGgml, weightTensor, type Tensor,
} from '@transformer-kit/tensor';
import { useWeightKernels } from '@transformer-kit/tensor/quant';

/** Values from a fixed-seed LCG in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

const backends: CpuBackend[] = [];
afterAll(() => backends.forEach((b) => b.destroy()));

/** Runs `fn` on a fresh backend with `threads` threads: the outputs as bits, and how many kernel calls split. */
function run(threads: number, fn: () => Tensor[], wasm = true): { bits: Uint32Array[]; parallelRuns: number } {
  const cpu = new CpuBackend(wasm ? { threads } : { threads, wasm: false });
  backends.push(cpu);
  setBackend(cpu);
  const outs = fn();
  const bits = outs.map((t) => new Uint32Array(Float32Array.from(t.dataSync()).buffer));
  dispose(outs);
  return { bits, parallelRuns: cpu.engineStats().parallelRuns };
}

function f32(t: Uint32Array): Float32Array {
  return new Float32Array(t.buffer);
}

describe('the threads option', () => {
  it("'auto' (the default) is os.availableParallelism() in Node; a number is taken as given", () => {
    const auto = new CpuBackend();
    const three = new CpuBackend({ threads: 3 });
    backends.push(auto, three);
    expect(auto.engineStats().threads).toBe(availableParallelism());
    expect(three.engineStats().threads).toBe(3);
  });

  it('is 1 on a non-shared heap (no SharedArrayBuffer) and without WebAssembly kernels, whatever is asked', () => {
    const plain = new CpuBackend({ threads: 4, heap: { shared: false } });
    const js = new CpuBackend({ threads: 4, wasm: false });
    backends.push(plain, js);
    expect(plain.engineStats().threads).toBe(1);
    expect(js.engineStats().threads).toBe(1);
  });

  it('refuses anything but a positive integer or auto, naming the value', () => {
    expect(() => new CpuBackend({ threads: 0 })).toThrow(/threads must be 'auto' or a positive integer, got 0/);
    expect(() => new CpuBackend({ threads: 1.5 })).toThrow(/got 1\.5/);
  });
});

describe('the CPU engine split across threads', () => {
  // big enough that every kernel below splits on 2 and 3 threads
  const ops = (): Tensor[] => {
    const a = tensor(values(96 * 256, 1), [96, 256]);
    const w = tensor(values(640 * 256, 2), [640, 256]); // [n, k]
    const x = tensor(values(256, 3), [1, 256]);
    const q = tensor(values(1 * 8 * 16 * 64, 4), [1, 8, 16, 64]);
    const kv = tensor(values(1 * 4 * 128 * 64, 5), [1, 4, 128, 64]);
    const big = tensor(values(512 * 512, 6), [512, 512]);
    const a2 = tensor(values(101 * 300, 8), [101, 300]);
    const b2 = tensor(values(300 * 203, 9), [300, 203]); // [k, n]
    const outs = [
      matmul(a, w, { transposeB: true }), // gemm [96, 640]
      // gemm [101, 203]: rows left over past the 4-row tiles, a column tail, two k blocks, B as [k, n]
      matmul(a2, b2),
      matmul(x, w, { transposeB: true }), // gemv [1, 640]
      attend(q, kv, kv, { causal: true, queryOffset: 100, kvLength: 116 }), // [1, 8, 16, 64]
      rmsNorm(big, tensor(values(512, 7), [512])),
      layerNorm(big),
      softmax(big),
      silu(big),
    ];
    dispose([a, w, x, q, kv, big, a2, b2]);
    return outs;
  };

  it('gives the same bits on 1, 2 and 3 threads, and 2 and 3 threads really split', () => {
    const [one, two, three] = [1, 2, 3].map((t) => run(t, ops));
    expect(one.parallelRuns).toBe(0);
    expect(two.parallelRuns).toBeGreaterThanOrEqual(8);
    expect(three.parallelRuns).toBeGreaterThanOrEqual(8);
    for (let i = 0; i < one.bits.length; i++) {
      expect(two.bits[i].length).toBe(one.bits[i].length);
      expect(two.bits[i].findIndex((b, j) => b !== one.bits[i][j]), `op ${i} on 2 threads: the first differing element`).toBe(-1);
      expect(three.bits[i].findIndex((b, j) => b !== one.bits[i][j]), `op ${i} on 3 threads: the first differing element`).toBe(-1);
    }
  });

  it('agrees with the TypeScript kernels (float64 accumulation) within the CPU tolerance', () => {
    const wasm = run(2, ops);
    const js = run(1, ops, false);
    for (let i = 0; i < js.bits.length; i++) {
      const [a, e] = [f32(wasm.bits[i]), f32(js.bits[i])];
      const bad = e.findIndex((v, j) => !(Math.abs(a[j] - v) <= 1e-4 + 1e-4 * Math.abs(v)));
      expect(bad, `op ${i}: the first element past 1e-4 (${a[bad]} vs ${e[bad]})`).toBe(-1);
    }
  });
});

const quantTypes = join(__dirname, '../../../../shared/quant/quant-types.gguf');

describe.skipIf(!existsSync(quantTypes))('packed weights on the heap, split across threads', () => {
  it('q4_k, q6_k, q8_0, q5_k: x [64, 512] · Wᵀ gives the same bits on 1, 2 and 3 threads, split on 2 and 3', () => {
    useWeightKernels();
    const gguf = readGguf(readFileSync(quantTypes));
    const ops = (): Tensor[] =>
      ['q4_k', 'q6_k', 'q8_0', 'q5_k'].map((name) => {
        const info = gguf.info(`${name}.weight`)!;
        const w = weightTensor(gguf.bytes(`${name}.weight`), info.shape, weightDTypeOfGgml(info.type)!); // [16, 512]
        const x = tensor(values(64 * 512, 9), [64, 512]);
        const y = matmul(x, w, { transposeB: true }); // [64, 16]
        dispose([w, x]);
        return y;
      });
    const [one, two, three] = [1, 2, 3].map((t) => run(t, ops));
    expect(one.parallelRuns).toBe(0);
    expect(two.parallelRuns).toBe(4);
    expect(three.parallelRuns).toBe(4);
    for (let i = 0; i < one.bits.length; i++) {
      expect(Array.from(two.bits[i])).toEqual(Array.from(one.bits[i]));
      expect(Array.from(three.bits[i])).toEqual(Array.from(one.bits[i]));
    }
  });
});
