import { sizeOf, type Shape, type TensorHandle } from '@transformer-kit/tensor';
import { BoundTensor, type DeviceValue, type GpuData } from './gpu-data';
import type { GpuStorage } from './gpu-storage';
import type { KernelArg, KernelCall, KernelPlan } from './kernel-source';
import { fusedMatmulSpec, type MatmulEpilogue } from './kernels/fused-matmul-kernels';
import { splitCount } from './kernels/matmul-kernels';
import { normPlan } from './kernels/norm-kernels';

/** A deferred RMSNorm: fused into the matmul that reads it. */
interface NormInfo {
  readonly kind: 'norm';
  readonly x: BoundTensor;
  readonly gamma: BoundTensor | null;
  readonly eps: number;
}

/** A deferred row matmul (optionally with the norm folded in, optionally SiLU'd): fused into a residual add or a gate · up product. */
interface MatmulInfo {
  readonly kind: 'matmul';
  readonly a: BoundTensor;
  readonly b: BoundTensor;
  readonly norm: { readonly gamma: BoundTensor | null; readonly eps: number } | null;
  readonly epilogue: 'none' | 'silu';
  readonly shape: Shape;
  readonly sizes: readonly [n: number, k: number, bk: number, bn: number];
}

/**
 * Launch fusion over a decode step, inside the backend (no caller changes): an RMSNorm, a row matmul and a
 * SiLU are deferred — recorded, not run — and the op that consumes them runs one kernel for the chain:
 *   rmsNorm → matmul                 one launch (the norm is the matmul's prologue)
 *   matmul + residual                one launch
 *   silu(x·Wg) · (x·Wu)              one launch (SwiGLU), with the norm of x folded in too
 * A deferred value that anything else reads is run then (GpuStorage.device), so results never change.
 */
export class Fusion {
  constructor(
    private readonly storage: GpuStorage,
    private readonly execute: (plan: KernelPlan) => DeviceValue,
  ) {}

  rmsNorm(x: TensorHandle, gamma: TensorHandle | null, eps: number): GpuData | null {
    const n = x.shape[x.shape.length - 1];
    if (sizeOf(x.shape) === 0 || (gamma && (gamma.shape.length !== 1 || gamma.shape[0] !== n))) return null;
    const data = this.storage.deferred(sizeOf(x.shape), normPlan('rmsNorm', x, gamma, null, eps), null);
    const [bx, bg] = this.#bounds(data, 2);
    data.deferred = { ...data.deferred!, info: { kind: 'norm', x: bx, gamma: gamma ? bg : null, eps } satisfies NormInfo };
    return data;
  }

  matmul(a: TensorHandle, b: TensorHandle, transposeA: boolean, transposeB: boolean, outShape: Shape): GpuData | null {
    const k = a.shape[a.shape.length - 1];
    const n = outShape[outShape.length - 1];
    const size = sizeOf(outShape);
    if (transposeA || b.shape.length !== 2 || size === 0 || k === 0 || splitCount(size, k) !== 1) return null;
    const norm = this.#info(a);
    const sizes = [n, k, transposeB ? 1 : n, transposeB ? k : 1] as const;
    const info = { kind: 'matmul', epilogue: 'none', shape: outShape, sizes, norm: norm?.kind === 'norm' ? { gamma: norm.gamma, eps: norm.eps } : null } as const;
    const call = this.#call(info.norm, 'none', norm?.kind === 'norm' ? norm.x : a, b, [], size, sizes);
    const data = this.storage.deferred(size, [call], null);
    const [ba, bb] = this.#bounds(data, 2);
    data.deferred = { ...data.deferred!, info: { ...info, a: ba, b: bb } satisfies MatmulInfo };
    return data;
  }

  silu(x: TensorHandle): GpuData | null {
    const m = this.#info(x);
    if (m?.kind !== 'matmul' || m.epilogue !== 'none') return null;
    const data = this.storage.deferred(sizeOf(m.shape), [this.#call(m.norm, 'silu', m.a, m.b, [], sizeOf(m.shape), m.sizes)], null);
    data.deferred = { ...data.deferred!, info: { ...m, epilogue: 'silu' } satisfies MatmulInfo };
    return data;
  }

  /** `a + b` with one side a deferred matmul of the output's shape, or silu(x·Wg) · (x·Wu): one launch. */
  binary(op: 'add' | 'mul', a: TensorHandle, b: TensorHandle, outShape: Shape): GpuData | null {
    const [ia, ib] = [this.#info(a), this.#info(b)];
    const size = sizeOf(outShape);
    if (op === 'add') {
      const [m, other] = ia?.kind === 'matmul' && ia.epilogue === 'none' ? [ia, b] : ib?.kind === 'matmul' && ib.epilogue === 'none' ? [ib, a] : [null, null];
      if (!m || !other || sizeOf(other.shape) !== size || sizeOf(m.shape) !== size || !sameShape(other.shape, outShape)) return null;
      return this.#run(this.#call(m.norm, 'add', m.a, m.b, [other], size, m.sizes), size);
    }
    const [gate, up] = ia?.kind === 'matmul' && ia.epilogue === 'silu' ? [ia, ib] : ib?.kind === 'matmul' && ib.epilogue === 'silu' ? [ib, ia] : [null, null];
    if (!gate || up?.kind !== 'matmul' || up.epilogue !== 'none' || !sameInput(gate, up) || sizeOf(gate.shape) !== size || !sameShape(up.shape, gate.shape)) return null;
    return this.#run(this.#call(gate.norm, 'glu', gate.a, gate.b, [up.b], size, gate.sizes), size);
  }

  #info(t: TensorHandle): NormInfo | MatmulInfo | null {
    return (this.storage.data(t.dataId).deferred?.info as NormInfo | MatmulInfo | undefined) ?? null;
  }

  /** The retained bound tensors of a deferred data's launch, in argument order. */
  #bounds(data: GpuData, count: number): BoundTensor[] {
    const out = data.deferred!.plan[data.deferred!.plan.length - 1].args.filter((x): x is BoundTensor => x instanceof BoundTensor);
    return out.slice(0, count);
  }

  #call(norm: MatmulInfo['norm'], epilogue: MatmulEpilogue, a: KernelArg, b: KernelArg, extra: KernelArg[], size: number, sizes: MatmulInfo['sizes']): KernelCall {
    const hasGamma = norm?.gamma != null;
    const key = `matmul:fused:${norm !== null}:${hasGamma}:${epilogue}`;
    const gamma = norm?.gamma ? [norm.gamma] : [];
    return { key, make: () => fusedMatmulSpec(norm !== null, hasGamma, epilogue), size, args: [a, b, ...gamma, ...extra, ...sizes, norm?.eps ?? 0] };
  }

  #run(call: KernelCall, size: number): GpuData {
    return this.storage.fromDevice(size, this.execute([call]));
  }
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function sameBound(a: BoundTensor | null, b: BoundTensor | null): boolean {
  return a === b || (a !== null && b !== null && a.value === b.value && a.offset === b.offset);
}

/** Gate and up read the same (normalised) input with weights laid out alike. */
function sameInput(g: MatmulInfo, u: MatmulInfo): boolean {
  const sameNorm = g.norm === null ? u.norm === null : u.norm !== null && g.norm.eps === u.norm.eps && sameBound(g.norm.gamma, u.norm.gamma);
  return sameBound(g.a, u.a) && sameNorm && g.sizes.every((s, i) => s === u.sizes[i]);
}
