import { GPU } from 'gpu.js';
import { floatHelpers, jsHelpers, nativeHelpers } from './helpers';
import { GlTextureCounter } from './gl-texture-counter';
import { GpuBackend } from './gpu-backend';
import type { GpuBackendInfo } from './gpu-backend-info';
import { kernelClassOf, sharedContext, type KernelClassInternals } from './gpujs-internals';
import type { GpuMode } from './kernel-runner';

/**
 * Options of `createGpuBackend`.
 *
 * @example
 * ```ts
 * import { createGpuBackend } from '@transformer-kit/gpu-backend';
 * const strict = await createGpuBackend({ mode: 'auto', allowCpuFallback: false, log: () => {} });
 * ```
 */
export interface GpuBackendOptions {
  /**
   * The gpu.js mode. 'auto' (default) takes the first that works of headlessgl (Node, the `gl` package),
   * webgl2, webgl, and else gpu.js' cpu mode (with a log line saying so, unless `allowCpuFallback` is false).
   * A named mode that cannot run is an error.
   */
  readonly mode?: 'auto' | GpuMode;
  /** In 'auto' mode, whether gpu.js' cpu mode may stand in when no GL context exists. Default true. */
  readonly allowCpuFallback?: boolean;
  /** A canvas (browser) for gpu.js to create its WebGL context on. */
  readonly canvas?: unknown;
  /** An existing WebGL/WebGL2 context for gpu.js to use. */
  readonly context?: unknown;
  /** Where the one-line startup report goes. Default console.info; pass `() => {}` to silence it. */
  readonly log?: (line: string) => void;
  /** Upper bound for kernel loops with a uniform bound (gpu.js' LOOP_MAX). Default 2^24. */
  readonly loopMaxIterations?: number;
  /**
   * Count the WebGL textures alive in gpu.js' own context (`stats().glTextures`), for leak tests. It wraps
   * that context's createTexture/deleteTexture, so it is refused together with `context` (never a patch on a
   * context you own). Default false.
   */
  readonly countGlTextures?: boolean;
  /**
   * KV-cache blocks (64 positions each) one attention launch reads, at most (and by default)
   * ⌊(MAX_TEXTURE_IMAGE_UNITS − 2) / 2⌋: 15 with 32 units (headless GL on llvmpipe, Chromium's SwiftShader), 7
   * with 16. A longer cache is read in one more launch per this many blocks; a smaller value only adds launches
   * (tests use it to cross the limit with a short cache).
   */
  readonly attentionBlocksPerLaunch?: number;
}

const modeFlags: Record<Exclude<GpuMode, 'cpu'>, () => boolean> = {
  headlessgl: () => GPU.isHeadlessGLSupported,
  webgl2: () => GPU.isWebGL2Supported,
  webgl: () => GPU.isWebGLSupported,
};

/** Why headless GL is unavailable in Node (gpu.js swallows the `gl` load error). */
async function headlessGlProblem(): Promise<string> {
  if (typeof process === 'undefined' || !process.versions?.node) return 'not running in Node';
  const name = 'gl';
  try {
    const mod = (await import(/* @vite-ignore */ name)) as { default?: (w: number, h: number) => unknown };
    const create = mod.default ?? (mod as unknown as (w: number, h: number) => unknown);
    const gl = create(1, 1);
    return gl ? 'gl loaded but gpu.js rejected the context' : 'gl loaded but could not create a context (no X display? run under xvfb-run)';
  } catch (error) {
    return `the 'gl' package failed to load: ${(error as Error).message}`;
  }
}

function pickMode(requested: 'auto' | GpuMode, allowCpu: boolean): GpuMode | null {
  if (requested === 'cpu') return 'cpu';
  if (requested !== 'auto') return modeFlags[requested]() ? requested : null;
  for (const mode of ['headlessgl', 'webgl2', 'webgl'] as const) if (modeFlags[mode]()) return mode;
  return allowCpu ? 'cpu' : null;
}

/**
 * Creates a gpu.js backend, refusing to run where results would silently lose precision: float32 textures
 * (precision 'single') are required, never gpu.js' 8-bit 'unsigned' packing. Logs one line naming the mode
 * and the renderer.
 *
 * @example
 * ```ts
 * import { createGpuBackend } from '@transformer-kit/gpu-backend';
 * import { setBackend } from '@transformer-kit/tensor';
 * const backend = await createGpuBackend();   // logs e.g. "gpu.js mode headlessgl on llvmpipe (...)"
 * setBackend(backend);
 * console.log(backend.name);                  // 'gpu.js:headlessgl'
 * ```
 */
export async function createGpuBackend(options: GpuBackendOptions = {}): Promise<GpuBackend> {
  const requested = options.mode ?? 'auto';
  const log = options.log ?? ((line: string) => console.info(line));
  if (options.countGlTextures && options.context) throw new Error('createGpuBackend: countGlTextures wraps the texture functions of the context gpu.js creates; it is not available with a `context` of your own');
  const mode = options.context ? contextMode(options.context) : pickMode(requested, options.allowCpuFallback ?? true);
  if (mode === null) {
    const why = requested === 'headlessgl' || (requested === 'auto' && typeof process !== 'undefined' && process.versions?.node) ? `: ${await headlessGlProblem()}` : '';
    throw new Error(`gpu.js mode '${requested}' is not available here${why}`);
  }
  const gpu = new GPU({ mode, canvas: options.canvas, context: options.context } as never);
  const kernelClass = kernelClassOf(gpu);
  if (mode !== 'cpu') {
    const features = kernelClass.features;
    if (!features || !features.isTextureFloat || !features.isFloatRead) {
      gpu.destroy();
      throw new Error(`gpu.js mode '${mode}' has no readable float32 textures here: it would fall back to 'unsigned' (8-bit packed) precision, so the backend refuses to start`);
    }
    for (const h of nativeHelpers) gpu.addNativeFunction(h.name, h.source);
  } else {
    for (const h of jsHelpers) gpu.addFunction(h as never);
  }
  for (const f of floatHelpers) gpu.addFunction(f as never);
  const counter = options.countGlTextures && mode !== 'cpu' ? new GlTextureCounter() : null;
  const info = describe(gpu, mode, kernelClass);
  const perLaunch = options.attentionBlocksPerLaunch;
  if (perLaunch !== undefined && !(Number.isInteger(perLaunch) && perLaunch >= 1 && perLaunch <= info.attentionBlocksPerLaunch)) {
    gpu.destroy();
    throw new RangeError(`createGpuBackend: attentionBlocksPerLaunch is ${perLaunch}; it must be an integer from 1 to ${info.attentionBlocksPerLaunch} (⌊(MAX_TEXTURE_IMAGE_UNITS ${info.maxTextureUnits} − 2) / 2⌋)`);
  }
  const backend = new GpuBackend(gpu, perLaunch === undefined ? info : { ...info, attentionBlocksPerLaunch: perLaunch }, options.loopMaxIterations ?? 1 << 24, counter);
  if (mode === 'cpu') log(`[@transformer-kit/gpu-backend] no WebGL/headless GL context: using gpu.js cpu mode (plain JavaScript, no GPU)`);
  else log(`[@transformer-kit/gpu-backend] gpu.js mode ${mode} on ${backend.info.renderer}${backend.info.software ? ' (software rasteriser)' : ''}, ${backend.info.version}, float32 textures up to ${backend.info.maxTextureSize}px`);
  return backend;
}

function contextMode(context: unknown): GpuMode {
  const gl = context as { getParameter?: (p: number) => unknown; RENDERER?: number };
  if (typeof WebGL2RenderingContext !== 'undefined' && context instanceof WebGL2RenderingContext) return 'webgl2';
  if (typeof WebGLRenderingContext !== 'undefined' && context instanceof WebGLRenderingContext) return 'webgl';
  if (gl.getParameter && gl.RENDERER !== undefined && gl.getParameter(gl.RENDERER) === 'ANGLE') return 'headlessgl';
  throw new Error('createGpuBackend: `context` is not a WebGL, WebGL2 or headless-gl context');
}

/** KV blocks one attention launch binds: the query and the previous launch's partial take two texture units. */
const blocksPerLaunch = (maxTextureUnits: number) => Math.max(1, Math.floor((maxTextureUnits - 2) / 2));

function describe(gpu: GPU, mode: GpuMode, kernelClass: KernelClassInternals): GpuBackendInfo {
  if (mode === 'cpu') return { mode, renderer: 'JavaScript', version: '', software: true, maxTextureSize: Number.MAX_SAFE_INTEGER, maxTextureUnits: 64, attentionBlocksPerLaunch: blocksPerLaunch(64) };
  // NOTE: the feature probe's own context carries the renderer strings; gpu.js makes the shared one lazily.
  const gl = (kernelClass.testContext ?? sharedContext(gpu)) as WebGLRenderingContext;
  const debugInfo = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String((debugInfo && gl.getParameter(debugInfo.UNMASKED_RENDERER_WEBGL)) || gl.getParameter(gl.RENDERER));
  const version = String(gl.getParameter(gl.VERSION));
  const maxTextureUnits = Number(gl.getParameter(gl.MAX_TEXTURE_IMAGE_UNITS)) || 8;
  return { mode, renderer, version, software: /llvmpipe|swiftshader|softpipe|software/i.test(renderer), maxTextureSize: kernelClass.features!.maxTextureSize, maxTextureUnits, attentionBlocksPerLaunch: blocksPerLaunch(maxTextureUnits) };
}
