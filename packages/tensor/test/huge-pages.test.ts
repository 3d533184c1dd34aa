import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CpuBackend, dispose, full, type HeapAdvisor } from '@transformer-kit/tensor';
import { adviseHugePages, hugePageSupport, parseThpMode } from '@transformer-kit/tensor/node';

const MiB = 1 << 20;

/** This process's anonymous memory in transparent huge pages, in bytes (Linux's /proc/self/smaps_rollup). */
function anonHugePageBytes(): number {
  const match = /^AnonHugePages:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/smaps_rollup', 'latin1'));
  if (!match) throw new Error('no AnonHugePages line in /proc/self/smaps_rollup');
  return Number(match[1]) * 1024;
}

/** The kernel's THP mode as the system file says it, read here independently of the package. */
function thpModeOfThisMachine(): string | null {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'latin1'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Makes a backend, fills a 64 MiB tensor (every page touched), and returns the huge-page bytes that appeared. */
function hugePagesGainedBy(advise: HeapAdvisor | undefined): { gained: number; advised: number } {
  const backend = new CpuBackend({ threads: 1, heap: advise ? { advise } : {} });
  const before = anonHugePageBytes();
  const big = full([16 * MiB], 1, 'float32', backend); // 64 MiB, written
  const gained = anonHugePageBytes() - before;
  const advised = backend.engineStats().heapAdvisedBytes;
  dispose(big);
  backend.destroy();
  return { gained, advised };
}

describe('parseThpMode', () => {
  it('reads the bracketed mode of /sys/kernel/mm/transparent_hugepage/enabled', () => {
    expect(parseThpMode('always [madvise] never\n')).toBe('madvise');
    expect(parseThpMode('[always] madvise never')).toBe('always');
    expect(parseThpMode('always madvise [never]')).toBe('never');
    expect(parseThpMode('always madvise never')).toBeNull();
    expect(parseThpMode('')).toBeNull();
  });
});

describe('HeapOptions.advise', () => {
  it('is told of the new bytes when the heap is made and after each growth, and its answers are summed', () => {
    const calls: [number, number][] = [];
    const advise: HeapAdvisor = (memory, fromByte) => {
      calls.push([fromByte, memory.buffer.byteLength]);
      return memory.buffer.byteLength - fromByte;
    };
    const backend = new CpuBackend({ threads: 1, heap: { initialBytes: 65536, advise } });
    const callsAtStart = calls.length;
    const t = full([1 << 20], 2, 'float32', backend); // 4 MiB: the heap grows
    const grown = backend.heapStats().heapBytes;
    expect(calls.length).toBeGreaterThan(callsAtStart);
    // the calls cover the memory once, in order: from 0 (when made), then each growth from the old end
    expect(calls[0]).toEqual([0, 65536]);
    for (let i = 1; i < calls.length; i++) expect(calls[i][0], `call ${i} starts where call ${i - 1} ended`).toBe(calls[i - 1][1]);
    expect(calls[calls.length - 1][1]).toBe(grown);
    expect(backend.engineStats().heapAdvisedBytes).toBe(grown);
    expect(backend.heapStats().advisedBytes).toBe(grown);
    dispose(t);
    backend.destroy();
  });

  it('without it nothing is advised', () => {
    const backend = new CpuBackend({ threads: 1 });
    expect(backend.engineStats().heapAdvisedBytes).toBe(0);
    backend.destroy();
  });
});

describe('adviseHugePages (Node on Linux)', () => {
  const mode = process.platform === 'linux' ? thpModeOfThisMachine() : null;

  it('says whether it can ask, from the platform and the kernel mode', () => {
    const support = hugePageSupport();
    expect(support.mode).toBe(mode);
    // on Linux with THP the helper must have been built (scripts/build-native.mjs): its absence is a failure here
    expect(support.available, support.detail).toBe(mode === 'madvise' || mode === 'always');
  });

  it.runIf(mode === 'madvise' || mode === 'always')('a 64 MiB tensor on an advised heap lands in huge pages; the advice covers it', () => {
    const { gained, advised } = hugePagesGainedBy(adviseHugePages);
    expect(advised).toBeGreaterThanOrEqual(60 * MiB); // all of it: the heap grew to hold it, and every growth is advised
    expect(gained).toBeGreaterThanOrEqual(32 * MiB);
  });

  it.runIf(mode === 'madvise')('under THP madvise, the same tensor without the advice gets none (what the advice is for)', () => {
    const { gained, advised } = hugePagesGainedBy(undefined);
    expect(advised).toBe(0);
    expect(gained).toBeLessThan(8 * MiB);
  });

  it('advising past the end of the memory advises nothing', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    expect(adviseHugePages(memory, 65536)).toBe(0);
  });
});
