import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThreadPool } from '../src/cpu/threads/thread-pool';
import { threadPoolTestWasm } from './thread-pool-wat';

// Heap layout of the tests (byte offsets): scratch regions, then out / counts / who arrays.
const PAGE = 65536;
const SCRATCH = [1 * PAGE, 2 * PAGE, 3 * PAGE, 4 * PAGE];
const N = 10_007; // odd: the last chunk is not a multiple of the grain
const OUT = 8 * PAGE;
const COUNTS = OUT + 4 * N + 64;
const WHO = COUNTS + 4 * N + 64;
const REF = WHO + 4 * N + 64;
const MUL = 0.75;

let module: WebAssembly.Module;
const pools: ThreadPool[] = [];

beforeAll(async () => {
  module = new WebAssembly.Module(await threadPoolTestWasm());
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.destroy()));
});

function heap(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
}

function pool(threads: number, memory = heap()): { pool: ThreadPool; memory: WebAssembly.Memory } {
  const p = ThreadPool.create({ threads, memory, modules: [module], scratch: SCRATCH.slice(0, threads) })!;
  expect(p).not.toBeNull();
  pools.push(p);
  return { pool: p, memory };
}

/** Runs `fill` until a run was shared by more than one thread (workers start lazily and boot asynchronously). */
async function fillUntilShared(p: ThreadPool, memory: WebAssembly.Memory, work: number, grain: number): Promise<Int32Array> {
  const who = new Int32Array(memory.buffer, WHO, N);
  for (let attempt = 0; attempt < 200; attempt++) {
    new Int32Array(memory.buffer, COUNTS, N).fill(0);
    p.run(0, 'fill', [OUT, COUNTS, WHO, MUL, work], N, grain);
    if (new Set(who).size > 1) return who;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no run was shared by two threads in 200 attempts');
}

describe('ThreadPool', () => {
  it('is null where threads cannot help: 1 thread, or a heap that is not shared', () => {
    const scratch = SCRATCH;
    expect(ThreadPool.create({ threads: 1, memory: heap(), modules: [module], scratch })).toBeNull();
    expect(ThreadPool.create({ threads: 0, memory: heap(), modules: [module], scratch })).toBeNull();
    const unshared = new WebAssembly.Memory({ initial: 1 });
    expect(ThreadPool.create({ threads: 2, memory: unshared, modules: [module], scratch })).toBeNull();
  });

  it('needs one scratch pointer per thread', () => {
    expect(() => ThreadPool.create({ threads: 3, memory: heap(), modules: [module], scratch: [PAGE] })).toThrow(
      'ThreadPool.create: scratch has 1 pointers for 3 threads (one per thread is required)',
    );
  });

  it.each([2, 3, 4])('%i threads: every element written exactly once, by more than one thread, same bits as one thread', async (threads) => {
    const { pool: p, memory } = pool(threads);
    const grain = 16;
    const who = await fillUntilShared(p, memory, 2000, grain);
    // Each element exactly once.
    expect(new Int32Array(memory.buffer, COUNTS, N).every((c) => c === 1)).toBe(true);
    // Only the threads' scratch pointers, each thread's share contiguous, every boundary a multiple of the grain.
    const boundaries: number[] = [];
    for (let i = 1; i < N; i++) if (who[i] !== who[i - 1]) boundaries.push(i);
    for (const b of boundaries) expect(b % grain).toBe(0);
    expect(boundaries.length).toBeLessThan(threads);
    expect(new Set(who).size).toBeGreaterThan(1);
    for (const w of new Set(who)) expect(SCRATCH.slice(0, threads)).toContain(w);
    // The same bits as one call over the whole range on this thread.
    const single = new WebAssembly.Instance(module, { env: { memory } }).exports as { fill: (...a: number[]) => void };
    single.fill(REF, COUNTS, WHO, MUL, 2000, SCRATCH[0], 0, N);
    expect(new Uint32Array(memory.buffer, OUT, N)).toEqual(new Uint32Array(memory.buffer, REF, N));
    const stats = p.stats();
    expect(stats.threads).toBe(threads);
    expect(stats.parallelRuns).toBeGreaterThan(0);
    expect(stats.workersUsed).toBeGreaterThan(0);
  });

  it('computes what f32 arithmetic says, on every thread (out[i] = f32(sqrt(i)) · 0.75, then 300 rounds of v·0.999 + 0.001)', async () => {
    const { pool: p, memory } = pool(2);
    await fillUntilShared(p, memory, 300, 1);
    const out = new Float32Array(memory.buffer, OUT, N);
    const [a, b] = [Math.fround(0.999), Math.fround(0.001)];
    for (let i = 0; i < N; i++) {
      let v = Math.fround(Math.fround(Math.sqrt(i)) * MUL);
      for (let k = 0; k < 300; k++) v = Math.fround(Math.fround(v * a) + b);
      if (out[i] !== v) expect([i, out[i]]).toEqual([i, v]);
    }
  });

  it('sees the heap grown by the calling thread after the workers started (kernels write past the old end)', async () => {
    const { pool: p, memory } = pool(2);
    await fillUntilShared(p, memory, 300, 1);
    const oldBytes = memory.buffer.byteLength;
    memory.grow(64); // +4 MiB: out / counts / who arrays placed past the old end
    const at = oldBytes + PAGE;
    const [out, counts, who] = [at, at + 4 * N + 64, at + 8 * N + 128];
    let shared = false;
    for (let attempt = 0; attempt < 200 && !shared; attempt++) {
      new Int32Array(memory.buffer, counts, N).fill(0);
      p.run(0, 'fill', [out, counts, who, MUL, 300], N, 1);
      expect(new Int32Array(memory.buffer, counts, N).every((c) => c === 1)).toBe(true);
      shared = new Set(new Int32Array(memory.buffer, who, N)).size > 1;
      if (!shared) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(shared).toBe(true);
    expect(new Uint32Array(memory.buffer, out, N)).toEqual(new Uint32Array(memory.buffer, OUT, N));
  });

  it('runs a range smaller than two grains on the calling thread alone', () => {
    const { pool: p, memory } = pool(2);
    new Int32Array(memory.buffer, COUNTS, N).fill(0);
    p.run(0, 'fill', [OUT, COUNTS, WHO, MUL, 0], 31, 16);
    expect(Array.from(new Int32Array(memory.buffer, WHO, 31)).every((w) => w === SCRATCH[0])).toBe(true);
    expect(new Int32Array(memory.buffer, COUNTS, 32).reduce((a, b) => a + b, 0)).toBe(31);
    expect(p.stats().parallelRuns).toBe(0);
  });

  it('a trap in a chunk surfaces on the caller naming the kernel and the chunk; the pool still works after it', async () => {
    const { pool: p, memory } = pool(2);
    await fillUntilShared(p, memory, 300, 1);
    // chunk 1 of [0, 1000) over 2 threads with grain 10 is [500, 1000)
    expect(() => p.run(0, 'trapAt', [750], 1000, 10)).toThrow(
      /^ThreadPool\.run: kernel 'trapAt' failed on chunk 1 \[500, 1000\) of 1000 (in worker 1|on the calling thread): RuntimeError: unreachable/,
    );
    expect(() => p.run(0, 'trapAt', [3], 1000, 10)).toThrow(/kernel 'trapAt' failed on chunk 0 \[0, 500\) of 1000/);
    expect(() => p.run(0, 'trapAt', [3], 5, 10)).toThrow(/kernel 'trapAt' failed on chunk 0 \[0, 5\) on the calling thread: RuntimeError/);
    await fillUntilShared(p, memory, 300, 1);
    expect(new Int32Array(memory.buffer, COUNTS, N).every((c) => c === 1)).toBe(true);
  });

  it('a trap in a worker surfaces on the caller naming the kernel, the chunk and the worker', async () => {
    const { pool: p } = pool(2);
    let message = '';
    // Only worker 1's scratch traps; the caller's chunk idles long enough for the worker to take chunk 1.
    for (let attempt = 0; attempt < 200 && !message; attempt++) {
      try {
        p.run(0, 'trapOnThread', [SCRATCH[1], 2_000_000], 1000, 10);
      } catch (error) {
        message = (error as Error).message;
      }
      if (!message) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(message).toMatch(/^ThreadPool\.run: kernel 'trapOnThread' failed on chunk 1 \[500, 1000\) of 1000 in worker 1: RuntimeError: unreachable/);
    expect(p.stats().workersUsed).toBe(1);
  });

  it('counts workers alive: none before the first run that splits, every worker once they booted, none after destroy', async () => {
    const { pool: p, memory } = pool(3);
    expect(p.stats()).toEqual({ threads: 3, parallelRuns: 0, workersUsed: 0, workersAlive: 0 });
    p.run(0, 'fill', [OUT, COUNTS, WHO, MUL, 0], N, 1); // starts the workers, which boot asynchronously
    for (let i = 0; i < 400 && p.stats().workersAlive < 2; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(p.stats().workersAlive).toBe(2);
    await fillUntilShared(p, memory, 300, 1);
    await p.destroy();
    expect(p.stats().workersAlive).toBe(0);
  });

  it('names an unknown kernel, module or too many arguments', () => {
    const { pool: p } = pool(2);
    expect(() => p.run(0, 'gemm', [], 10, 1)).toThrow("ThreadPool.run: module 0 has no function export 'gemm' (its functions are fill, trapAt, trapOnThread, nothing)");
    expect(() => p.run(1, 'fill', [], 10, 1)).toThrow("ThreadPool.run: module 1 has no function export 'fill' (there are 1 modules)");
    expect(() => p.run(0, 'nothing', new Array(40).fill(0), 10, 1)).toThrow('ThreadPool.run(nothing): 40 arguments, at most 32');
  });

  it('does not wait on a worker that died: its chunk is run by another thread', async () => {
    const { pool: p, memory } = pool(2);
    await fillUntilShared(p, memory, 300, 1);
    const workers = (p as unknown as { pool: { workers: { terminate(): Promise<void> }[] } }).pool.workers;
    const killed = workers[0].terminate(); // ends the worker asynchronously, possibly during the next run
    new Int32Array(memory.buffer, COUNTS, N).fill(0);
    p.run(0, 'fill', [OUT, COUNTS, WHO, MUL, 0], N, 1);
    expect(new Int32Array(memory.buffer, COUNTS, N).every((c) => c === 1)).toBe(true);
    await killed;
    new Int32Array(memory.buffer, COUNTS, N).fill(0);
    p.run(0, 'fill', [OUT, COUNTS, WHO, MUL, 0], N, 1);
    expect(new Int32Array(memory.buffer, COUNTS, N).every((c) => c === 1)).toBe(true);
    expect(new Set(new Int32Array(memory.buffer, WHO, N))).toEqual(new Set([SCRATCH[0]]));
  });

  it('destroy() ends the workers (resolves once they exited) and run() throws afterwards', async () => {
    const { pool: p, memory } = pool(3);
    await fillUntilShared(p, memory, 300, 1);
    await p.destroy();
    await p.destroy(); // safe twice
    expect(() => p.run(0, 'nothing', [], 10, 1)).toThrow('ThreadPool.run(nothing): the pool was destroyed');
  });
});
