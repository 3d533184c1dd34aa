import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attend, CpuBackend, dispose, matmul, setBackend, tensor, writeSlice, zeros } from '@transformer-kit/tensor';
import { WasmKernels } from '../src/cpu/wasm/wasm-kernels';

/** Values from a fixed-seed LCG in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** y = x · Wᵀ in float64, rounded to float32 once (the reference both kernels are held to). */
function reference(x: Float32Array, w: Float32Array, n: number, k: number): Float32Array {
  return Float32Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let p = 0; p < k; p++) s += x[p] * w[j * k + p];
    return s;
  });
}

describe('WasmKernels', () => {
  const gemv = WasmKernels.create({ mirrorOnUse: 1 });

  it('is available in Node 20 (WebAssembly SIMD)', () => {
    expect(gemv).not.toBeNull();
  });

  it.each([
    [64, 64],
    [172, 64],
    [64, 172],
    [3, 1021], // odd row count, k not a multiple of 4
    [511, 7],
  ])('[1×%i]… n=%i: equals the float64 reference to float32 rounding', (n, k) => {
    const x = values(k, n);
    const w = values(n * k, k);
    const y = new Float32Array(n + 2).fill(99);
    expect(gemv!.multiply(x, w, y, n, k, 0, 1)).toBe(true);
    const expected = reference(x, w, n, k);
    for (let j = 0; j < n; j++) expect(Math.abs(y[j + 1] - expected[j])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected[j])));
    expect([y[0], y[n + 1]]).toEqual([99, 99]); // only y[yOff .. yOff + n) is written
  });

  it('copies a weight on its second use by default, and forgets it on request', () => {
    const lazy = WasmKernels.create()!;
    const w = values(64 * 32, 1);
    const y = new Float32Array(64);
    expect(lazy.multiply(values(32, 2), w, y, 64, 32)).toBe(false);
    expect(lazy.mirrorBytes).toBe(0);
    expect(lazy.multiply(values(32, 2), w, y, 64, 32)).toBe(true);
    expect(lazy.mirrorBytes).toBe(w.byteLength);
    lazy.forget(w);
    expect(lazy.mirrorBytes).toBe(0);
  });

  it('declines small matrices and matrices past maxMirrorBytes', () => {
    const capped = WasmKernels.create({ mirrorOnUse: 1, maxMirrorBytes: 8192 })!;
    const y = new Float32Array(64);
    expect(capped.multiply(values(8, 1), values(8 * 8, 2), y, 8, 8)).toBe(false); // 64 elements: not worth it
    expect(capped.multiply(values(64, 1), values(64 * 64, 2), y, 64, 64)).toBe(false); // 16 KiB > 8 KiB
  });
});

describe('CpuBackend with the WebAssembly matmul', () => {
  it('a decode-style matmul repeated on the same weight matches the JavaScript kernel and the reference', async () => {
    const run = async (backend: CpuBackend): Promise<Float32Array[]> => {
      setBackend(backend);
      const w = tensor(values(172 * 64, 3), [172, 64]);
      const outs: Float32Array[] = [];
      for (let step = 0; step < 3; step++) {
        const x = tensor(values(64, 10 + step), [1, 1, 64]);
        const y = matmul(x, w, { transposeB: true }); // [1, 1, 172]
        outs.push((await y.data()) as Float32Array);
        dispose([x, y]);
      }
      if (backend.wasmMirrorBytes() > 0) expect(backend.wasmMirrorBytes()).toBe(172 * 64 * 4);
      w.dispose();
      expect(backend.wasmMirrorBytes()).toBe(0); // disposing the weight frees its copy
      return outs;
    };
    const withWasm = new CpuBackend();
    const wasmOuts = await run(withWasm);
    const jsOuts = await run(new CpuBackend({ wasm: false }));
    for (let step = 0; step < 3; step++) {
      const expected = reference(values(64, 10 + step), values(172 * 64, 3), 172, 64);
      for (let j = 0; j < 172; j++) {
        expect(Math.abs(wasmOuts[step][j] - expected[j])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected[j])));
        expect(Math.abs(jsOuts[step][j] - expected[j])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected[j])));
      }
    }
  });

  it('writing into a mirrored matrix is seen by the next matmul (the copy is written too)', async () => {
    const cpu = new CpuBackend({ wasm: { mirrorOnUse: 1 } });
    setBackend(cpu);
    const w = tensor(new Float32Array(64 * 64).fill(1), [64, 64]);
    const x = tensor(new Float32Array(64).fill(1), [1, 64]);
    const before = matmul(x, w, { transposeB: true });
    expect((await before.data())[0]).toBe(64);
    const twos = tensor(new Float32Array(64).fill(2), [1, 64]);
    writeSlice(w, twos, [0, 0]); // row 0 → 2s
    const after = matmul(x, w, { transposeB: true });
    expect(Array.from((await after.data()).slice(0, 2))).toEqual([128, 64]);
    dispose([w, x, twos, before, after]);
  });

  it('attention over a KV cache written step by step matches the JavaScript kernel (the cache copy follows the writes)', async () => {
    const decode = async (backend: CpuBackend): Promise<{ outs: number[]; mirrored: number }> => {
      setBackend(backend);
      const keys = zeros([1, 2, 32, 8]); // [batch, kvHeads, capacity, headDim]
      const vals = zeros([1, 2, 32, 8]);
      const outs: number[] = [];
      for (let t = 0; t < 20; t++) {
        const k = tensor(values(16, 100 + t), [1, 2, 1, 8]);
        const v = tensor(values(16, 200 + t), [1, 2, 1, 8]);
        writeSlice(keys, k, [0, 0, t, 0]);
        writeSlice(vals, v, [0, 0, t, 0]);
        const q = tensor(values(32, 300 + t), [1, 4, 1, 8]); // 4 query heads on 2 k/v heads
        const y = attend(q, keys, vals, { causal: true, queryOffset: t, kvLength: t + 1 });
        outs.push(...(await y.data()));
        dispose([k, v, q, y]);
      }
      const mirrored = backend.wasmMirrorBytes();
      dispose([keys, vals]);
      expect(backend.wasmMirrorBytes()).toBe(0);
      return { outs, mirrored };
    };
    const wasm = await decode(new CpuBackend());
    const js = await decode(new CpuBackend({ wasm: false }));
    expect(wasm.mirrored).toBe(2 * 2 * 32 * 8 * 4); // both caches live in WebAssembly memory
    expect(js.mirrored).toBe(0);
    const [viaWasm, viaJs] = [wasm.outs, js.outs];
    expect(viaWasm.length).toBe(20 * 32);
    for (let i = 0; i < viaWasm.length; i++) expect(Math.abs(viaWasm[i] - viaJs[i])).toBeLessThanOrEqual(1e-6);
  });
});


describe('kernels-wasm.ts', () => {
  it('is the compilation of kernels.wat as committed (node scripts/build-wasm.mjs --check)', () => {
    const check = spawnSync(process.execPath, [join(__dirname, '../../../scripts/build-wasm.mjs'), '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
