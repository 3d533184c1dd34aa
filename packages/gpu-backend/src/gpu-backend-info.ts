import type { GpuMode } from './kernel-runner';

/**
 * What the backend has done and holds (see `GpuBackend.stats`).
 *
 * @example
 * ```ts
 * import { createGpuBackend } from '@transformer-kit/gpu-backend';
 * const backend = await createGpuBackend();
 * const { launches, readbacks, texelsWritten } = backend.stats();
 * ```
 */
export interface GpuBackendStats {
  /** Kernel launches since creation. */
  readonly launches: number;
  /** Texture readbacks (GPU → host copies) since creation. */
  readonly readbacks: number;
  /** Texels rendered since creation (one float each): what the launches wrote. */
  readonly texelsWritten: number;
  /** Programs compiled (one per shape class). */
  readonly compiledKernels: number;
  /** Tensor storages alive. */
  readonly liveData: number;
  /** Device buffers alive (textures in the GL modes, device arrays in cpu mode; each KV-cache block counts). */
  readonly liveTextures: number;
  /** WebGL textures alive in gpu.js' context, when created with `countGlTextures: true`; else null. */
  readonly glTextures: number | null;
}

/**
 * Facts about where the backend runs, for logs and benchmark reports.
 *
 * @example
 * ```ts
 * import { createGpuBackend } from '@transformer-kit/gpu-backend';
 * const { mode, renderer, software } = (await createGpuBackend()).info;
 * ```
 */
export interface GpuBackendInfo {
  /** The gpu.js mode: 'webgl2' | 'webgl' | 'headlessgl' | 'cpu'. */
  readonly mode: GpuMode;
  /** The GL renderer (e.g. 'llvmpipe (LLVM 15.0.6, 256 bits)', 'SwiftShader'), or 'JavaScript' in cpu mode. */
  readonly renderer: string;
  /** The GL version string, or '' in cpu mode. */
  readonly version: string;
  /** True when the renderer is a software rasteriser (llvmpipe, SwiftShader, softpipe) or gpu.js' cpu mode. */
  readonly software: boolean;
  /** Largest texture side. */
  readonly maxTextureSize: number;
  /** Textures one kernel may read (MAX_TEXTURE_IMAGE_UNITS; bounds the KV-cache blocks one attention launch reads). */
  readonly maxTextureUnits: number;
  /**
   * KV-cache blocks (of keys, and as many of values) one attention launch reads: ⌊(maxTextureUnits − 2) / 2⌋
   * (the query and the previous launch's partial take two units), or the `attentionBlocksPerLaunch` option.
   * A longer cache is read in one more launch per this many blocks.
   */
  readonly attentionBlocksPerLaunch: number;
}
