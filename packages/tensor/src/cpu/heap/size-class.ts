/**
 * The block size the heap hands out for a request of `bytes`: a multiple of 16 (every block 16-byte aligned),
 * rounded up to one of eight steps per power of two under 1 MiB (at most 12.5% slack) so that the many
 * slightly different sizes of a generation (a softmax over a growing context, a scratch row) share a few
 * free lists and a warmed-up loop finds a freed block of its class instead of growing the heap; from 1 MiB
 * up (weights, caches) a multiple of 64 KiB, so a big tensor does not waste an eighth of itself.
 *
 * @example
 * ```ts
 * // internal to the CPU backend's heap
 * import { sizeClass } from './packages/tensor/src/cpu/heap/size-class';
 * console.log(sizeClass(1), sizeClass(100), sizeClass(1000)); // 16 112 1024
 * ```
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 128) return Math.max(16, Math.ceil(bytes / 16) * 16);
  if (bytes >= LARGE) return Math.ceil(bytes / LARGE_STEP) * LARGE_STEP;
  // eight steps between 2^e and 2^(e+1) (e = floor(log2(bytes)), from the leading zeros: no float log per call)
  const step = 1 << (28 - Math.clz32(bytes));
  return Math.ceil(bytes / step) * step;
}

/** From this size up, blocks are rounded to LARGE_STEP only. */
const LARGE = 1 << 20;
const LARGE_STEP = 1 << 16;
