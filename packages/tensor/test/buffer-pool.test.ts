import { describe, expect, it } from 'vitest';
import { CpuBackend, dispose, layerNorm, matmul, setBackend, tensor, zeros } from '@transformer-kit/tensor';
import { BufferPool } from '../src/cpu/buffer-pool';

describe('BufferPool', () => {
  it('hands a given buffer back for the same dtype and length, and only for those', () => {
    const pool = new BufferPool({ minBytes: 0 });
    const a = pool.take('float32', 1024);
    pool.give(a);
    expect(pool.take('int32', 1024)).not.toBe(a);
    expect(pool.take('float32', 1023)).not.toBe(a);
    expect(pool.take('float32', 1024)).toBe(a);
    expect(pool.take('float32', 1024)).not.toBe(a); // taken already
    expect(pool.stats()).toEqual({ idleBytes: 0, reused: 1, allocated: 4 });
  });

  it('keeps nothing under minBytes, nothing past maxBytes, at most maxPerSize per size', () => {
    const pool = new BufferPool({ minBytes: 4096, maxBytes: 3 * 8192, maxPerSize: 2 });
    pool.give(new Float32Array(1023)); // 4092 bytes: too small
    expect(pool.stats().idleBytes).toBe(0);
    for (let i = 0; i < 3; i++) pool.give(new Float32Array(2048)); // 8192 bytes each, two kept
    expect(pool.stats().idleBytes).toBe(2 * 8192);
    pool.give(new Int32Array(2048)); // fits: 24576
    pool.give(new Uint8Array(8192)); // would pass maxBytes
    expect(pool.stats().idleBytes).toBe(3 * 8192);
    pool.clear();
    expect(pool.stats().idleBytes).toBe(0);
  });

  it('never keeps a view into a larger buffer', () => {
    const pool = new BufferPool({ minBytes: 0 });
    const backing = new Float32Array(2048);
    pool.give(backing.subarray(1024));
    pool.give(backing.subarray(0, 1024));
    expect(pool.stats().idleBytes).toBe(0);
  });

  it('poisons reused buffers so unwritten elements are visible', () => {
    const pool = new BufferPool({ minBytes: 0, poison: true });
    pool.give(new Float32Array(4));
    pool.give(new Int32Array(4));
    pool.give(new Uint8Array(4));
    expect(Array.from(pool.take('float32', 4))).toEqual([NaN, NaN, NaN, NaN]);
    expect(Array.from(pool.take('int32', 4))).toEqual([-2147483648, -2147483648, -2147483648, -2147483648]);
    expect(Array.from(pool.take('bool', 4))).toEqual([0xab, 0xab, 0xab, 0xab]);
  });
});

describe('CpuBackend buffer recycling', () => {
  it('reuses the storage of a disposed output for the next output of that size', async () => {
    const cpu = new CpuBackend();
    setBackend(cpu);
    const x = zeros([128, 128]);
    matmul(x, x).dispose();
    const before = cpu.bufferPoolStats();
    const y = matmul(x, x);
    expect(cpu.bufferPoolStats().reused).toBe(before.reused + 1);
    // the recycled buffer held the previous product; the new one is right regardless
    expect(Array.from(await y.data()).every((v) => v === 0)).toBe(true);
    dispose([x, y]);
  });

  it('never recycles an array the caller handed to tensor()', () => {
    const cpu = new CpuBackend({ bufferPool: { minBytes: 0 } });
    setBackend(cpu);
    const mine = new Float32Array(4096).fill(3);
    tensor(mine, [64, 64]).dispose();
    const out = layerNorm(tensor(new Float32Array(4096).fill(1), [64, 64]));
    expect(Array.from(mine.subarray(0, 3))).toEqual([3, 3, 3]);
    expect(cpu.bufferPoolStats().reused).toBe(0);
    out.dispose();
  });

  it('keeps storage shared with a live view until the view is disposed too', async () => {
    const cpu = new CpuBackend({ bufferPool: { minBytes: 0, poison: true } });
    setBackend(cpu);
    const base = layerNorm(tensor(Float32Array.from({ length: 64 }, (_, i) => i % 8), [8, 8]));
    const view = base.reshape([64]);
    const expected = Array.from(await view.data());
    base.dispose();
    const other = layerNorm(tensor(new Float32Array(64).fill(2), [8, 8])); // same size: must not take view's storage
    expect(Array.from(await view.data())).toEqual(expected);
    dispose([view, other]);
  });

  it('bufferPool: false allocates every output afresh', () => {
    const cpu = new CpuBackend({ bufferPool: false });
    setBackend(cpu);
    const x = zeros([128, 128]);
    matmul(x, x).dispose();
    matmul(x, x).dispose();
    expect(cpu.bufferPoolStats()).toEqual({ idleBytes: 0, reused: 0, allocated: 0 });
    x.dispose();
  });
});
