/**
 * The CPU backend's ops that run as WebAssembly kernels on the heap, in place: each takes the handles and
 * the output block, and returns false (having written nothing) when the kernels do not cover the case
 * (dtypes other than float32, a transposed A, empty shapes), so the backend runs its TypeScript kernel.
 * Pointers are byte addresses in the heap; a call is split across threads when the engine says it pays.
 */
import type { BinaryOp, FusedAttentionOptions, RotaryLayout, TensorHandle } from '../../backend';
import type { Shape } from '../../shape';
import type { CpuData } from '../heap/cpu-data';
import { ATTENTION_MAX_HEAD_DIM, F32_BINARY_OPS, type F32Kernels } from '../wasm/f32-kernels';
import type { CpuEngine } from './cpu-engine';

const EMPTY_SHAPE: Shape = [];
const BINARY_CODES: Partial<Record<BinaryOp, number>> = F32_BINARY_OPS;

function ptrOf(x: TensorHandle): number {
  return (x.dataId as CpuData).ptr;
}

function lengthOf(x: TensorHandle): number {
  return (x.dataId as CpuData).length;
}

/**
 * Routes ops to the f32 kernels.
 *
 * @example
 * ```ts
 * // internal to the CPU backend: matmul, attention, the norms, softmax, rotary, silu/gelu and add/sub/mul/div
 * // of float32 tensors go through it when WebAssembly SIMD is available
 * import { CpuBackend, matmul, setBackend, tensor } from '@transformer-kit/tensor';
 * setBackend(new CpuBackend());
 * const y = matmul(tensor(new Float32Array(64).fill(1), [1, 64]), tensor(new Float32Array(64 * 8).fill(0.5), [8, 64]), { transposeB: true });
 * console.log(y.dataSync()[0]); // 32
 * ```
 */
export class WasmOps {
  readonly #k: F32Kernels;
  readonly #e: CpuEngine;

  constructor(engine: CpuEngine, kernels: F32Kernels) {
    this.#e = engine;
    this.#k = kernels;
  }

  /** C [..., m, n] = A · B (B transposed or not; batch dims broadcast through `offsets`). */
  matmul(
    a: TensorHandle, b: TensorHandle, transposeA: boolean, transposeB: boolean, outShape: Shape, out: CpuData,
    offsets: (own: Shape, batchShape: Shape, matrix: number) => (i: number) => number,
  ): boolean {
    if (transposeA || a.dtype !== 'float32' || b.dtype !== 'float32') return false;
    const rank = outShape.length;
    const m = outShape[rank - 2];
    const n = outShape[rank - 1];
    const k = a.shape[a.shape.length - 1];
    if (m === 0 || n === 0 || k === 0) return false;
    let batches = 1;
    for (let d = 0; d < rank - 2; d++) batches *= outShape[d];
    // NOTE: the batch shapes and offset maps only for a batched product (a decode step's Linear layers have none)
    const batchShape = batches === 1 ? EMPTY_SHAPE : outShape.slice(0, rank - 2);
    const aBatch = batches === 1 ? null : offsets(a.shape.slice(0, -2), batchShape, m * k);
    const bBatch = batches === 1 ? null : offsets(b.shape.slice(0, -2), batchShape, k * n);
    const [ap, bp] = [ptrOf(a), ptrOf(b)];
    for (let i = 0; i < batches; i++) {
      const ai = ap + 4 * (aBatch ? aBatch(i) : 0);
      const bi = bp + 4 * (bBatch ? bBatch(i) : 0);
      const ci = out.ptr + 4 * i * m * n;
      if (m === 1 && transposeB) this.#gemv(ai, bi, ci, n, k);
      else this.#gemm(ai, bi, ci, m, n, k, transposeB ? 1 : 0);
    }
    return true;
  }

  attention(q: TensorHandle, k: TensorHandle, v: TensorHandle, options: FusedAttentionOptions, out: CpuData): boolean {
    if (q.dtype !== 'float32' || k.dtype !== 'float32' || v.dtype !== 'float32') return false;
    const [batch, heads, seqQ, headDim] = q.shape;
    const [, kvHeads, kvCapacity] = k.shape;
    const { scale, causal, queryOffset, kvLength } = options;
    // any kvLength (the kernel takes keys in blocks); a head too wide for its scratch stays in TypeScript
    if (batch * heads * seqQ * headDim === 0 || headDim > ATTENTION_MAX_HEAD_DIM) return false;
    const total = batch * heads;
    const [qp, kp, vp, c] = [ptrOf(q), ptrOf(k), ptrOf(v), causal ? 1 : 0];
    const grain = this.#e.grain(total, 2 * seqQ * kvLength * headDim);
    if (grain > 0) this.#e.split('attention', [qp, kp, vp, out.ptr, seqQ, kvLength, kvCapacity, headDim, heads, kvHeads, scale, c, queryOffset], total, grain);
    else this.#k.attention(qp, kp, vp, out.ptr, seqQ, kvLength, kvCapacity, headDim, heads, kvHeads, scale, c, queryOffset, this.#e.scratch, 0, total);
    return true;
  }

  rmsNorm(x: TensorHandle, gamma: TensorHandle | null, eps: number, out: CpuData): boolean {
    if (x.dtype !== 'float32' || (gamma !== null && gamma.dtype !== 'float32')) return false;
    const dim = x.shape[x.shape.length - 1];
    if (dim === 0) return false;
    const rows = lengthOf(x) / dim;
    const grain = this.#e.grain(rows, dim);
    if (grain > 0) this.#e.split('rmsnorm', [ptrOf(x), gamma ? ptrOf(gamma) : 0, out.ptr, dim, eps], rows, grain);
    else this.#k.rmsnorm(ptrOf(x), gamma ? ptrOf(gamma) : 0, out.ptr, dim, eps, this.#e.scratch, 0, rows);
    return true;
  }

  layerNorm(x: TensorHandle, gamma: TensorHandle | null, beta: TensorHandle | null, eps: number, out: CpuData): boolean {
    if (x.dtype !== 'float32' || (gamma !== null && gamma.dtype !== 'float32') || (beta !== null && beta.dtype !== 'float32')) return false;
    const dim = x.shape[x.shape.length - 1];
    if (dim === 0) return false;
    const rows = lengthOf(x) / dim;
    const [g, b] = [gamma ? ptrOf(gamma) : 0, beta ? ptrOf(beta) : 0];
    const grain = this.#e.grain(rows, 2 * dim);
    if (grain > 0) this.#e.split('layernorm', [ptrOf(x), g, b, out.ptr, dim, eps], rows, grain);
    else this.#k.layernorm(ptrOf(x), g, b, out.ptr, dim, eps, this.#e.scratch, 0, rows);
    return true;
  }

  softmax(x: TensorHandle, out: CpuData): boolean {
    if (x.dtype !== 'float32') return false;
    const dim = x.shape[x.shape.length - 1];
    if (dim === 0) return false;
    const rows = lengthOf(x) / dim;
    const grain = this.#e.grain(rows, 4 * dim);
    if (grain > 0) this.#e.split('softmax', [ptrOf(x), out.ptr, dim], rows, grain);
    else this.#k.softmax(ptrOf(x), out.ptr, dim, this.#e.scratch, 0, rows);
    return true;
  }

  /** argmax over the last axis of float32 x into `out` (int32, one per row). */
  argmaxLast(x: TensorHandle, axis: number, out: CpuData): boolean {
    const n = x.shape[axis];
    if (x.dtype !== 'float32' || axis !== x.shape.length - 1 || n === 0 || out.length === 0) return false;
    const rows = out.length;
    const grain = this.#e.grain(rows, n);
    if (grain > 0) this.#e.split('argmax', [ptrOf(x), out.ptr, n], rows, grain);
    else this.#k.argmax(ptrOf(x), out.ptr, n, this.#e.scratch, 0, rows);
    return true;
  }

  rotary(x: TensorHandle, cos: TensorHandle, sin: TensorHandle, layout: RotaryLayout, out: CpuData): boolean {
    if (x.dtype !== 'float32' || cos.dtype !== 'float32' || sin.dtype !== 'float32') return false;
    const dim = x.shape[x.shape.length - 1];
    const seq = x.shape[x.shape.length - 2];
    const half = cos.shape[cos.shape.length - 1];
    if (dim === 0 || seq === 0) return false;
    const rows = lengthOf(x) / dim; // [R·seq, dim], row r at position r mod seq
    const mode = layout === 'interleaved' ? 0 : 1;
    const grain = this.#e.grain(rows, dim);
    if (grain > 0) this.#e.split('rope', [ptrOf(x), ptrOf(cos), ptrOf(sin), out.ptr, seq, dim, half, mode], rows, grain);
    else this.#k.rope(ptrOf(x), ptrOf(cos), ptrOf(sin), out.ptr, seq, dim, half, mode, this.#e.scratch, 0, rows);
    return true;
  }

  silu(x: TensorHandle, out: CpuData): boolean {
    if (x.dtype !== 'float32') return false;
    const n = lengthOf(x);
    const grain = this.#e.grain(n, 8);
    if (grain > 0) this.#e.split('silu', [ptrOf(x), out.ptr], n, grain);
    else this.#k.silu(ptrOf(x), out.ptr, this.#e.scratch, 0, n);
    return true;
  }

  swiglu(gate: TensorHandle, up: TensorHandle, out: CpuData): boolean {
    if (gate.dtype !== 'float32' || up.dtype !== 'float32') return false;
    const n = lengthOf(gate);
    const grain = this.#e.grain(n, 8);
    if (grain > 0) this.#e.split('swiglu', [ptrOf(gate), ptrOf(up), out.ptr], n, grain);
    else this.#k.swiglu(ptrOf(gate), ptrOf(up), out.ptr, this.#e.scratch, 0, n);
    return true;
  }

  gelu(x: TensorHandle, approximate: 'none' | 'tanh', out: CpuData): boolean {
    if (x.dtype !== 'float32') return false;
    const n = lengthOf(x);
    const mode = approximate === 'tanh' ? 1 : 0;
    const grain = this.#e.grain(n, 16);
    if (grain > 0) this.#e.split('gelu', [ptrOf(x), out.ptr, mode], n, grain);
    else this.#k.gelu(ptrOf(x), out.ptr, mode, this.#e.scratch, 0, n);
    return true;
  }

  /** add/sub/mul/div of float32: the same shape, or `b` one row broadcast over `a`'s rows (a bias, a gamma). */
  binary(op: BinaryOp, a: TensorHandle, b: TensorHandle, outShape: Shape, out: CpuData): boolean {
    const code = BINARY_CODES[op];
    if (code === undefined || a.dtype !== 'float32' || b.dtype !== 'float32' || out.length === 0) return false;
    const [na, nb] = [lengthOf(a), lengthOf(b)];
    if (na !== out.length) return false;
    const cols = outShape[outShape.length - 1];
    if (nb === na && sameShape(a.shape, b.shape)) {
      const grain = this.#e.grain(na, 1);
      if (grain > 0) this.#e.split('binary', [code, ptrOf(a), ptrOf(b), out.ptr], na, grain);
      else this.#k.binary(code, ptrOf(a), ptrOf(b), out.ptr, this.#e.scratch, 0, na);
      return true;
    }
    if (nb === cols && b.shape[b.shape.length - 1] === cols && cols > 0) {
      const rows = na / cols;
      const grain = this.#e.grain(rows, cols);
      if (grain > 0) this.#e.split('binaryRow', [code, ptrOf(a), ptrOf(b), out.ptr, cols], rows, grain);
      else this.#k.binaryRow(code, ptrOf(a), ptrOf(b), out.ptr, cols, this.#e.scratch, 0, rows);
      return true;
    }
    return false;
  }

  #gemv(x: number, w: number, y: number, n: number, k: number): void {
    const grain = this.#e.grain(n, k);
    if (grain > 0) this.#e.split('gemv', [x, w, y, n, k], n, grain);
    else this.#k.gemv(x, w, y, n, k, this.#e.scratch, 0, n);
  }

  #gemm(a: number, b: number, c: number, m: number, n: number, k: number, transB: number): void {
    // chunks of whole 4-row tiles where there are rows enough: a chunk's last 1-3 rows cost about a tile
    // (one row: kernels/gemm.wat $tile1x8, ~2.3× a tile row, measured at [3×256]·[256×256]ᵀ; 2-3: a padded tile)
    const g = this.#e.grain(m, n * k);
    const grain = m >= 16 ? Math.ceil(g / 4) * 4 : g;
    if (grain > 0) this.#e.split('gemm', [a, b, c, m, n, k, transB], m, grain);
    else this.#k.gemm(a, b, c, m, n, k, transB, this.#e.scratch, 0, m);
  }
}

function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
