import { CPUKernel, HeadlessGLKernel, WebGL2Kernel, WebGLKernel, type GPU, type IKernelRunShortcut, type Texture } from 'gpu.js';
import { BoundTensor, type DeviceValue } from './gpu-data';
import { builtKernel } from './gpujs-internals';
import type { KernelSpec } from './kernel-source';

/** Counters the runner keeps (launches and texels written per token are what a generation benchmark reports). */
export interface KernelCounters {
  launches: number;
  compiles: number;
  /** Output elements rendered (one float per texel). */
  texels: number;
}

/**
 * The gpu.js mode a backend runs in.
 *
 * @example
 * ```ts no-run (browser only)
 * import { createGpuBackend, type GpuMode } from '@transformer-kit/gpu-backend';
 * const mode: GpuMode = 'webgl2'; // in a browser; webgl2 is not available in Node
 * const backend = await createGpuBackend({ mode });
 * ```
 *
 * In Node, gpu.js runs on headless GL:
 *
 * ```ts
 * import { createGpuBackend, type GpuMode } from '@transformer-kit/gpu-backend';
 * const mode: GpuMode = 'headlessgl';
 * const backend = await createGpuBackend({ mode });
 * console.log(backend.info.mode); // headlessgl (creating it also logs the GL renderer it found)
 * backend.destroy(); // frees the GL context
 * ```
 */
export type GpuMode = 'webgl2' | 'webgl' | 'headlessgl' | 'cpu';

/**
 * The gpu.js kernel class each mode must stay on (a switch to another one is a silent downgrade). Compared by
 * identity, not by `constructor.name`: a minifier renames classes, and WebGL2Kernel/HeadlessGLKernel extend
 * WebGLKernel, so `instanceof` would accept the wrong one.
 */
const kernelClassOf: Record<GpuMode, { readonly name: string; readonly cls: unknown }> = {
  webgl2: { name: 'WebGL2Kernel', cls: WebGL2Kernel },
  webgl: { name: 'WebGLKernel', cls: WebGLKernel },
  headlessgl: { name: 'HeadlessGLKernel', cls: HeadlessGLKernel },
  cpu: { name: 'CPUKernel', cls: CPUKernel },
};

/** A kernel class's name for messages, from the table above (stable under minification). */
function kernelClassName(cls: unknown): string {
  const known = Object.values(kernelClassOf).find((k) => k.cls === cls);
  return known ? known.name : `another gpu.js kernel class (${(cls as { name?: string } | undefined)?.name ?? 'unknown'})`;
}

/**
 * Compiles kernels once per shape class (the key) and runs them in pipeline mode: outputs are textures
 * that stay on the GPU. `immutable` makes every run write a fresh texture, so a result held by a tensor is
 * never overwritten by the kernel's next run; `dynamicOutput`/`dynamicArguments` let one program serve
 * every size.
 */
export class KernelRunner {
  readonly #gpu: GPU;
  readonly #mode: GpuMode;
  readonly #kernels = new Map<string, { run: IKernelRunShortcut; tensors: number[] }>();
  readonly #checked = new Set<string>();
  readonly #loopMax: number;

  constructor(
    gpu: GPU,
    mode: GpuMode,
    readonly counters: KernelCounters,
    loopMaxIterations: number,
    private readonly onCompiled: () => void = () => {},
  ) {
    this.#gpu = gpu;
    this.#mode = mode;
    this.#loopMax = loopMaxIterations;
  }

  /** Number of compiled programs. */
  get size(): number {
    return this.#kernels.size;
  }

  /** Runs the kernel `key` (built by `make` the first time) over `outSize` threads. */
  run(key: string, make: () => KernelSpec, outSize: number, args: readonly unknown[]): DeviceValue {
    let compiled = this.#kernels.get(key);
    if (!compiled) {
      const spec = make();
      compiled = { run: this.#compile(key, spec), tensors: spec.params.flatMap((p, i) => (p.kind === 'tensor' ? [i] : [])) };
      this.#kernels.set(key, compiled);
      this.onCompiled();
    }
    const kernel = compiled.run;
    // Tensor arguments come as textures or as { value, offset }; the offsets go last, one per tensor parameter.
    const values = args.map((a, i) => (compiled.tensors.includes(i) && isBound(a) ? a.value : a));
    const offsets = compiled.tensors.map((i) => (isBound(args[i]) ? (args[i] as BoundTensor).offset : 0));
    kernel.setOutput([outSize]);
    this.counters.launches++;
    this.counters.texels += outSize;
    let result: unknown;
    try {
      result = kernel(...([...values, ...offsets] as never[]));
    } catch (error) {
      throw new Error(`gpu.js kernel '${key}' failed on ${this.#mode}: ${(error as Error).message}`, { cause: error });
    }
    if (!this.#checked.has(key)) {
      this.#verify(key, kernel, result);
      this.#checked.add(key);
    }
    return result as DeviceValue;
  }

  /** Frees every compiled program. */
  destroy(): void {
    for (const k of this.#kernels.values()) k.run.destroy(true);
    this.#kernels.clear();
  }

  #compile(key: string, spec: KernelSpec): IKernelRunShortcut {
    const texType = this.#mode === 'cpu' ? 'Array' : 'NumberTexture';
    const argumentTypes: Record<string, string> = {};
    for (const p of spec.params) {
      argumentTypes[p.name] = p.kind === 'tensor' ? texType : p.kind === 'int' ? 'Integer' : p.kind === 'float' ? 'Float' : 'Array';
    }
    // NOTE: every tensor read `x[i]` becomes `x[xOffset + i]`: a view (a contiguous slice) is its source's texture
    // read from an offset, so slicing costs no launch.
    const tensorNames = spec.params.filter((p) => p.kind === 'tensor').map((p) => p.name);
    let body = spec.body;
    for (const name of tensorNames) body = body.replace(new RegExp(`(?<![\\w.])${name}\\[`, 'g'), `${name}[${name}Offset + `);
    for (const name of tensorNames) argumentTypes[`${name}Offset`] = 'Integer';
    const params = [...spec.params.map((p) => p.name), ...tensorNames.map((n) => `${n}Offset`)];
    const source = `function (${params.join(', ')}) {\n${body}\n}`;
    this.counters.compiles++;
    return this.#gpu.createKernel(source, {
      output: [1],
      pipeline: true,
      immutable: true,
      dynamicOutput: true,
      dynamicArguments: true,
      precision: 'single',
      tactic: 'precision',
      // NOTE: loops with a uniform bound compile to `for (i < LOOP_MAX) { if (!(i < n)) break; }`; gpu.js'
      // default LOOP_MAX of 1000 would silently cut a matmul with K = 3072 short.
      loopMaxIterations: this.#loopMax,
      argumentTypes,
    } as never) as IKernelRunShortcut;
  }

  /** Refuses a kernel that gpu.js moved to another backend or to 'unsigned' packing. */
  #verify(key: string, shortcut: IKernelRunShortcut, result: unknown): void {
    const inner = builtKernel(shortcut);
    const expected = kernelClassOf[this.#mode];
    const actual = inner.kernelClass;
    if (actual !== expected.cls) {
      throw new Error(`gpu.js moved kernel '${key}' from ${expected.name} to ${kernelClassName(actual)}${inner.fallbackReason ? ` (${inner.fallbackReason})` : ''}: refusing a silent downgrade`);
    }
    if (inner.precision !== 'single') {
      throw new Error(`gpu.js compiled kernel '${key}' with precision '${inner.precision}': 'unsigned' packing loses float32 precision`);
    }
    const isTexture = this.#mode !== 'cpu' && typeof (result as Texture | null)?.toArray === 'function';
    if (!isTexture && !(this.#mode === 'cpu' && result instanceof Float32Array)) {
      throw new Error(`gpu.js kernel '${key}' returned ${Object.prototype.toString.call(result)} instead of a ${this.#mode === 'cpu' ? 'Float32Array' : 'texture'}`);
    }
  }
}

function isBound(arg: unknown): arg is BoundTensor {
  return arg instanceof BoundTensor;
}
