/**
 * Kernel sources are generated as JavaScript function text that gpu.js translates to GLSL (or runs as JS
 * in its cpu mode). One source per shape class (op, rank, which optional inputs exist): sizes, strides and
 * offsets are uniforms, so a growing KV cache or a new sequence length reuses the compiled program.
 *
 * Integer index math goes through `idiv`/`imod` (helpers.ts): gpu.js turns `/` into a float division,
 * which is not exact for large flat indices.
 */

import type { TensorHandle } from '@transformer-kit/tensor';
import type { BoundTensor, DeviceValue } from './gpu-data';

/** A kernel parameter: a tensor (texture), an int uniform or a float uniform. */
export interface KernelParam {
  readonly name: string;
  readonly kind: 'tensor' | 'int' | 'float' | 'host';
}

/** A kernel's parameters and body (the function text gpu.js compiles). */
export interface KernelSpec {
  readonly params: readonly KernelParam[];
  readonly body: string;
}

/** Tensor parameters. */
export function tensors(...names: string[]): KernelParam[] {
  return names.map((name) => ({ name, kind: 'tensor' as const }));
}

/** Int uniform parameters. */
export function ints(...names: string[]): KernelParam[] {
  return names.map((name) => ({ name, kind: 'int' as const }));
}

/** Float uniform parameters. */
export function floats(...names: string[]): KernelParam[] {
  return names.map((name) => ({ name, kind: 'float' as const }));
}

/** `prefix0..prefix{n-1}` */
export function names(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

/**
 * Code that splits the flat index `from` into row-major coordinates `c0..c{rank-1}` of dims
 * `dimPrefix0..` (the leading dim is never needed, so `dimPrefix0` is not read).
 */
export function decompose(rank: number, coord: string, dimPrefix: string, from = 'this.thread.x'): string {
  if (rank === 1) return `const ${coord}0 = ${from};\n`;
  const tmp = `${coord}Rest`;
  let code = `let ${tmp} = ${from};\n`;
  for (let d = rank - 1; d >= 1; d--) {
    code += `const ${coord}${d} = imod(${tmp}, ${dimPrefix}${d});\n`;
    code += d > 1 ? `${tmp} = idiv(${tmp}, ${dimPrefix}${d});\n` : `const ${coord}0 = idiv(${tmp}, ${dimPrefix}${d});\n`;
  }
  return code;
}

/** `c0 * s0 + c1 * s1 + ...` */
export function dot(coord: string, stridePrefix: string, rank: number): string {
  return Array.from({ length: rank }, (_, d) => `${coord}${d} * ${stridePrefix}${d}`).join(' + ');
}

/** The result of an earlier launch of the same plan (freed once the plan's last launch has run). */
export interface Temp {
  readonly temp: number;
}

/** A kernel argument: a tensor (resolved to its texture by the storage), a texture, a temp, a number or host floats. */
export type KernelArg = TensorHandle | BoundTensor | DeviceValue | Temp | number;

/** One launch: which program (`key`, built by `make` once), how many outputs, and the packed arguments. */
export interface KernelCall {
  readonly key: string;
  readonly make: () => KernelSpec;
  readonly size: number;
  readonly args: readonly KernelArg[];
}

/**
 * What a backend op runs: launches in order, the last one's output being the op's result; an earlier one's
 * output is passed to a later one as `{ temp: i }`. A plan whose result is empty (`size` 0) runs nothing.
 */
export type KernelPlan = readonly KernelCall[];

/** A reference to launch `i`'s output in a plan. */
export function temp(i: number): Temp {
  return { temp: i };
}
