import { describe, expect, it } from 'vitest';
import { add, CpuBackend, dispose, layerNorm, matmul, setBackend, tensor, writeSlice, zeros, type Tensor } from '@transformer-kit/tensor';
import { Heap } from '../src/cpu/heap/heap';
import { sizeClass } from '../src/cpu/heap/size-class';

/** Values from a fixed-seed LCG in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

describe('Heap', () => {
  it('hands out 16-byte-aligned blocks, never address 0, and reuses a freed block of the same size class', () => {
    const heap = new Heap({ initialBytes: 65536 });
    const ptrs = [1, 7, 100, 1000, 5000].map((n) => heap.alloc(n));
    for (const p of ptrs) {
      expect(p % 16).toBe(0);
      expect(p).toBeGreaterThan(0);
    }
    expect(new Set(ptrs).size).toBe(ptrs.length);
    heap.free(ptrs[3], 1000);
    expect(heap.alloc(1000)).toBe(ptrs[3]);
    expect(heap.alloc(990)).not.toBe(ptrs[3]); // taken already
  });

  it('size classes: multiples of 16, at most 12.5% slack under 1 MiB, 64 KiB steps above', () => {
    for (const n of [1, 16, 17, 129, 1000, 4097, 65535, 300_000, (1 << 20) - 1]) {
      const c = sizeClass(n);
      expect(c % 16).toBe(0);
      expect(c).toBeGreaterThanOrEqual(n);
      expect(c - n).toBeLessThanOrEqual(Math.max(15, n / 8));
    }
    expect(sizeClass((1 << 20) + 1)).toBe((1 << 20) + 65536);
  });

  it('a non-shared memory detaches views when it grows and says so through generation; a shared one does not', () => {
    const plain = new Heap({ shared: false, initialBytes: 65536 });
    const view = plain.f32;
    const before = plain.generation;
    plain.alloc(1 << 20);
    expect(plain.generation).toBe(before + 1);
    expect(view.length).toBe(0); // detached
    expect(plain.f32.length * 4).toBe(plain.byteLength);

    const shared = new Heap({ initialBytes: 65536 });
    expect(shared.shared).toBe(true); // Node has SharedArrayBuffer
    const sharedView = new Float32Array(shared.memory.buffer, 64, 4);
    sharedView.set([1, 2, 3, 4]);
    shared.alloc(1 << 20);
    expect(shared.generation).toBe(0);
    expect(Array.from(sharedView)).toEqual([1, 2, 3, 4]); // still attached, same bytes
    expect(shared.f32.length * 4).toBe(shared.byteLength);
  });

  it('past maxBytes: a RangeError naming the bytes asked, the heap size and the limit', () => {
    const heap = new Heap({ initialBytes: 65536, maxBytes: 1 << 20 });
    heap.alloc(500_000);
    expect(() => heap.alloc(800_000)).toThrow(RangeError);
    expect(() => heap.alloc(800_000)).toThrow(/cannot allocate 800000 bytes: the heap holds \d+ bytes .* may not grow past heap\.maxBytes 1048576/);
  });

  it('past 4 GiB (wasm32): a RangeError naming the limit', () => {
    const heap = new Heap({ initialBytes: 65536 });
    expect(() => heap.alloc(2 ** 32)).toThrow(/cannot allocate 4294967296 bytes: the heap holds 65536 bytes .* the 4 GiB wasm32 limit \(4294967296 bytes\)/);
  });
});

describe.each([
  ['shared', true],
  ['forced non-shared', false],
])('CpuBackend on a %s heap', (_, shared) => {
  it('tensors stay right while the heap grows under them (views re-made after growth)', () => {
    const cpu = new CpuBackend({ heap: { shared, initialBytes: 65536 } });
    setBackend(cpu);
    const a = tensor(values(1000, 1), [10, 100]);
    const b = layerNorm(a);
    const expectedA = Array.from(a.dataSync());
    const expectedB = Array.from(b.dataSync());
    const grew = cpu.heapStats().grows;
    // 8 MiB more: the memory grows several times
    const big: Tensor[] = [];
    for (let i = 0; i < 8; i++) big.push(zeros([1 << 18]));
    expect(cpu.heapStats().grows).toBeGreaterThan(grew);
    expect(Array.from(a.dataSync())).toEqual(expectedA);
    expect(Array.from(b.dataSync())).toEqual(expectedB);
    // a kernel whose output allocation grows the heap still reads its inputs right
    const sum = add(a, b); // [10, 100]
    const s = sum.dataSync();
    for (let i = 0; i < 1000; i++) expect(s[i]).toBe(Math.fround(expectedA[i] + expectedB[i]));
    dispose([a, b, sum, big]);
  });

  it('a KV cache written in place, then read by matmul: the write is seen', () => {
    setBackend(new CpuBackend({ heap: { shared, initialBytes: 65536 } }));
    const w = tensor(new Float32Array(64 * 64).fill(1), [64, 64]);
    const x = tensor(new Float32Array(64).fill(1), [1, 64]);
    const twos = tensor(new Float32Array(64).fill(2), [1, 64]);
    writeSlice(w, twos, [0, 0]); // row 0 → 2s
    const y = matmul(x, w, { transposeB: true });
    expect(Array.from(y.dataSync().slice(0, 2))).toEqual([128, 64]);
    dispose([w, x, twos, y]);
  });

  it('tensor(values) copies into the heap: changing the array afterwards changes nothing', () => {
    setBackend(new CpuBackend({ heap: { shared } }));
    const mine = Float32Array.from([1, 2, 3]);
    const t = tensor(mine, [3]);
    mine[0] = 99;
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3]);
    t.dispose();
  });

  it('a tensor past heap.maxBytes: a RangeError naming the bytes, not an engine error', () => {
    setBackend(new CpuBackend({ heap: { shared, maxBytes: 1 << 20 } }));
    expect(() => zeros([1 << 19])).toThrow(/CPU backend heap: cannot allocate 2097152 bytes: the heap holds \d+ bytes .*heap\.maxBytes 1048576/);
  });

  it('writeSlice into a tensor past 2 GiB (addresses ≥ 2^31): the write lands, and nothing else changes', () => {
    const cpu = new CpuBackend({ heap: { shared } });
    setBackend(cpu);
    const block = zeros([600_000_000]); // 2.4 GB first: what follows lies above 2 GiB
    expect(cpu.heapStats().heapBytes).toBeGreaterThan(2 ** 31);
    const cache = tensor(values(4 * 8, 5), [4, 8]);
    const row = tensor(values(8, 6), [1, 8]);
    const expected = Array.from(cache.dataSync());
    expected.splice(2 * 8, 8, ...row.dataSync());
    writeSlice(cache, row, [2, 0]);
    expect(Array.from(cache.dataSync())).toEqual(expected);
    dispose([block, cache, row]);
    cpu.destroy();
  });

  it('an output past 4 GiB: a RangeError before any computing ([65536, 1]·[1, 32768] is 8 GiB of float32)', () => {
    setBackend(new CpuBackend({ heap: { shared } }));
    const a = zeros([65536, 1]);
    const b = zeros([1, 32768]);
    expect(() => matmul(a, b)).toThrow(/cannot allocate 8589934592 bytes: .*the 4 GiB wasm32 limit/);
    dispose([a, b]);
  });
});
