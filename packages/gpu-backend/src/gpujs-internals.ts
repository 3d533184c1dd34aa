/**
 * The one place that reaches into gpu.js past its published typings. Everything here was written against
 * gpu.js 2.24.1 (the exact pin in package.json; a test compares the two) and must be re-checked on an upgrade.
 *
 * Why it is needed, upstream:
 * - gpujs/gpu.js#550: the typings do not describe what a kernel or a GPU instance carries (`kernel.precision`,
 *   `kernel.fallbackReason`, `gpu.context`, the kernel class's `features`), so they are read through the
 *   narrow views below instead of `as unknown as` at each call site.
 * - gpujs/gpu.js#640: a kernel that fails to build on WebGL falls back to the CPU kernel with no error, only a
 *   console line; the backend reads the kernel's class and `fallbackReason` to refuse that silent downgrade.
 * - gpujs/gpu.js#632: float-texture support is probed on a test context and a kernel can end up on 8-bit
 *   'unsigned' packing; the backend reads `features.isFloatRead`/`isTextureFloat` and each kernel's
 *   `precision` to refuse it.
 */
import type { GPU, IKernelRunShortcut } from 'gpu.js';

/** The gpu.js version these views were written against (must equal the dependency pin). */
export const GPUJS_VERSION = '2.24.1';

/** What gpu.js' kernel class (`gpu.Kernel`) knows about the context it probed. */
export interface KernelClassInternals {
  readonly isSupported: boolean;
  readonly features: { isFloatRead: boolean; isTextureFloat: boolean; maxTextureSize: number } | null;
  /** The context gpu.js made for its feature probe (carries the renderer strings). */
  readonly testContext: WebGLRenderingContext | null;
}

/** The kernel class gpu.js picked for `gpu`'s mode. */
export function kernelClassOf(gpu: GPU): KernelClassInternals {
  return (gpu as unknown as { Kernel: KernelClassInternals }).Kernel;
}

/** The shared GL context gpu.js creates with the first kernel (null before it, and in cpu mode). */
export function sharedContext(gpu: GPU): WebGLRenderingContext | null {
  return ((gpu as unknown as { context?: WebGLRenderingContext | null }).context ?? null);
}

/** What a built kernel says about itself: its class (a fallback shows here), precision and fallback reason. */
export interface BuiltKernel {
  readonly kernelClass: unknown;
  readonly precision: string;
  readonly fallbackReason?: string;
}

/** The kernel behind a run shortcut (gpu.js swaps it on a fallback; read it after the first run). */
export function builtKernel(shortcut: IKernelRunShortcut): BuiltKernel {
  const inner = (shortcut as unknown as { kernel: { precision: string; fallbackReason?: string } }).kernel;
  return { kernelClass: Object.getPrototypeOf(inner)?.constructor, precision: inner.precision, fallbackReason: inner.fallbackReason };
}
