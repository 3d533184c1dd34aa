/**
 * Transparent huge pages for the CPU backend's heap, in Node on Linux.
 *
 * A decode step streams every weight once, tens of MiB for a small Llama. With the kernel's 4 KiB pages much of
 * that time goes to TLB misses; with 2 MiB pages it does not. Linux gives anonymous memory huge pages on its own
 * only in THP mode `always`; in mode `madvise` (Debian's default) a program must ask with
 * `madvise(MADV_HUGEPAGE)`, and a WebAssembly memory cannot. `adviseHugePages` asks for it through a small
 * Node-API helper built with the package (`native/huge-pages.c`), as a JVM does for its heap under
 * `-XX:+UseTransparentHugePages`. Elsewhere (not Linux, THP `never`, no helper for this platform) it advises
 * nothing and `hugePageSupport()` says why; results are the same either way, only the speed differs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The kernel's transparent-huge-page mode, from `/sys/kernel/mm/transparent_hugepage/enabled`. */
export type ThpMode = 'always' | 'madvise' | 'never';

/** Whether {@link adviseHugePages} asks the kernel for huge pages here, and why (not). */
export interface HugePageSupport {
  /** True when it asks: Linux, THP not `never`, the helper loaded. */
  available: boolean;
  /** The kernel's THP mode; null where there is none to read (not Linux, or a kernel without THP). */
  mode: ThpMode | null;
  /** What it does here, or why it does nothing, in a sentence. */
  detail: string;
}

interface HugePagesAddon {
  /** See native/huge-pages.c: the bytes advised, or -errno. */
  adviseHugePages(memoryView: Uint8Array, fromByte: number, hugePageBytes: number): number;
}

const THP_ENABLED = '/sys/kernel/mm/transparent_hugepage/enabled';
const THP_PAGE_SIZE = '/sys/kernel/mm/transparent_hugepage/hpage_pmd_size';

/**
 * The mode a THP `enabled` file selects (the bracketed word), or null when the text has none.
 *
 * @example
 * ```ts
 * import { parseThpMode } from '@transformer-kit/tensor/node';
 * console.log(parseThpMode('always [madvise] never')); // madvise
 * ```
 */
export function parseThpMode(text: string): ThpMode | null {
  const match = /\[(always|madvise|never)\]/.exec(text);
  return match ? (match[1] as ThpMode) : null;
}

interface Loaded {
  support: HugePageSupport;
  addon: HugePagesAddon | null;
  /** The kernel's huge page size (2 MiB on x86-64). */
  hugePageBytes: number;
}
let state: Loaded | undefined;

function unavailable(mode: ThpMode | null, detail: string): Loaded {
  return { support: { available: false, mode, detail }, addon: null, hugePageBytes: 0 };
}

/**
 * Where the helper may be: beside this module's build (dist/node/index.js → dist/native; the CommonJS build's
 * import.meta.url shim lives in a dist/ chunk → dist/native), the package's dist/native as Node resolves the
 * package (what is left when a bundler moved this code elsewhere), and from the sources (the package's tests).
 */
function helperCandidates(name: string): string[] {
  const candidates = [`../native/${name}`, `./native/${name}`, `../../dist/native/${name}`].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
  try {
    const packageJson = createRequire(import.meta.url).resolve('@transformer-kit/tensor/package.json');
    candidates.push(join(dirname(packageJson), 'dist', 'native', name));
  } catch {
    // not installed where this code runs: only the paths above
  }
  return candidates;
}

function load(): Loaded {
  if (process.platform !== 'linux') return unavailable(null, `transparent huge pages are Linux's; on ${process.platform} the heap keeps the system's pages`);
  let mode: ThpMode | null;
  try {
    mode = parseThpMode(readFileSync(THP_ENABLED, 'latin1'));
  } catch {
    mode = null;
  }
  if (mode === null) return unavailable(null, `this kernel has no transparent huge pages (${THP_ENABLED} is missing or unreadable)`);
  if (mode === 'never') return unavailable(mode, `the kernel's THP mode is never (${THP_ENABLED}): it gives no process huge pages`);
  const name = `huge-pages-${process.platform}-${process.arch}.node`;
  const candidates = helperCandidates(name);
  const file = candidates.find((candidate) => existsSync(candidate));
  if (file === undefined) {
    return unavailable(mode, `no ${name} in ${candidates.join(' or ')}: the package was built without a C compiler, or its published build has no helper for ${process.platform}-${process.arch}`);
  }
  let hugePageBytes = 2 << 20;
  try {
    const size = Number(readFileSync(THP_PAGE_SIZE, 'latin1').trim());
    if (Number.isSafeInteger(size) && size > 0) hugePageBytes = size;
  } catch {
    // an older kernel without the file: x86-64's 2 MiB
  }
  try {
    const module = { exports: {} as HugePagesAddon };
    process.dlopen(module, file);
    const detail =
      mode === 'always'
        ? 'the kernel backs all memory with huge pages already (THP always); advising the heap changes nothing'
        : 'advises the heap (madvise MADV_HUGEPAGE): the kernel backs its aligned 2 MiB ranges with huge pages';
    return { support: { available: true, mode, detail }, addon: module.exports, hugePageBytes };
  } catch (error) {
    return unavailable(mode, `cannot load ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * Whether {@link adviseHugePages} asks the kernel for huge pages in this process, and why (not). Read once.
 *
 * @example
 * ```ts
 * import { hugePageSupport } from '@transformer-kit/tensor/node';
 * const { available, detail } = hugePageSupport();
 * console.log(typeof available, detail.length > 0); // boolean true
 * ```
 */
export function hugePageSupport(): HugePageSupport {
  state ??= load();
  return { ...state.support };
}

/**
 * A heap advisor (`HeapOptions.advise`): asks Linux to back the memory from `fromByte` on with transparent huge
 * pages (`madvise(MADV_HUGEPAGE)`; the kernel uses one wherever an aligned 2 MiB lies inside advised memory), and
 * returns the bytes advised; 0 where {@link hugePageSupport} says it cannot.
 * The heap calls it when it is made and after each growth, before the new bytes are touched.
 *
 * @example
 * ```ts
 * import { createCpuBackend, setBackend } from '@transformer-kit/tensor';
 * import { adviseHugePages, hugePageSupport } from '@transformer-kit/tensor/node';
 * const backend = createCpuBackend({ heap: { advise: adviseHugePages } });
 * setBackend(backend);
 * // advised exactly where it can ask (Linux with THP and the helper), nothing elsewhere
 * console.log(backend.engineStats().heapAdvisedBytes > 0 === hugePageSupport().available); // true
 * ```
 */
export function adviseHugePages(memory: WebAssembly.Memory, fromByte = 0): number {
  state ??= load();
  const buffer = memory.buffer;
  if (state.addon === null || fromByte >= buffer.byteLength) return 0;
  // past 0 the heap grew from memory advised before: the helper also collapses the huge page across that edge
  const result = state.addon.adviseHugePages(new Uint8Array(buffer), fromByte, state.hugePageBytes);
  if (result < 0) {
    // madvise refused (e.g. a security module forbids it): say so once, and stop asking
    state = unavailable(state.support.mode, `madvise(MADV_HUGEPAGE) failed with errno ${-result}`);
    return 0;
  }
  return result;
}
