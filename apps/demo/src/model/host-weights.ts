/**
 * The block view and the positional panel recompute pieces of the model from the checkpoint's weights. They
 * do it on a private CPU backend (exact, and off the GPU a generation may be using), multiplying a packed
 * weight (Q4_K, Q8_0, f16…) as it is stored, with the same kernels the model uses, and never widening it.
 * A family's weights are named as the packages' family files name them (Hugging Face's names, GGUF renamed).
 */
import { createCpuBackend, matmul, tensor, weightTensor, type Backend } from '@transformer-kit/tensor';
import { useWeightKernels } from '@transformer-kit/tensor/quant';
import { splitHostRows, type HostTensor, type WeightSource } from '@transformer-kit/transformer';

let cpu: Backend | null = null;

/** The private CPU backend the recomputations run on (one thread: the model's backend owns the worker threads). */
export function hostBackend(): Backend {
  cpu ??= createCpuBackend({ threads: 1 });
  return cpu;
}

/** y = x · Wᵀ for a host weight W [out, in] (packed or float32); x [rows, in] → [rows, out]. */
export function hostProject(x: Float32Array, rows: number, w: HostTensor): Float32Array {
  const backend = hostBackend();
  const [out, inner] = w.shape;
  let weight;
  if (w.packed) {
    useWeightKernels();
    weight = weightTensor(w.packed.bytes, [out, inner], w.packed.dtype, backend); // [out, in], as the file stores it
  } else {
    weight = tensor(w.data, [out, inner], 'float32', backend);
  }
  const input = tensor(x, [rows, inner], 'float32', backend);
  const t = matmul(input, weight, { transposeB: true }); // [rows, out]
  const values = t.dataSync() as Float32Array;
  t.dispose();
  input.dispose();
  weight.dispose();
  return values;
}

/** A projection's weight and, when the family has one (Qwen2's q/k/v), its bias. */
export interface Projection {
  weight: HostTensor;
  bias?: Float32Array;
}

function projection(weights: WeightSource, name: string): Projection {
  const bias = weights.has(`${name}.bias`) ? weights.get(`${name}.bias`).data : undefined;
  return { weight: weights.get(`${name}.weight`), bias };
}

/** Phi-3's fused [q; k; v] matrix of `layer`, cut by rows (exact on packed bytes: a ggml row is whole blocks). */
function fusedQkv(weights: WeightSource, layer: number, qRows: number): HostTensor[] {
  const name = `model.layers.${layer}.self_attn.qkv_proj.weight`;
  const t = weights.get(name);
  const kvRows = (t.shape[0] - qRows) / 2;
  return splitHostRows(name, t, [qRows, kvRows, kvRows]);
}

/** Wq (+ bq) of `layer`: q_proj, or the first `qRows` rows of Phi-3's fused qkv_proj. */
export function queryWeights(weights: WeightSource, layer: number, qRows: number, fused: boolean): Projection {
  if (fused) return { weight: fusedQkv(weights, layer, qRows)[0] };
  return projection(weights, `model.layers.${layer}.self_attn.q_proj`);
}

/** Wv (+ bv) of `layer`: v_proj, or the last rows of Phi-3's fused qkv_proj. */
export function valueWeights(weights: WeightSource, layer: number, qRows: number, fused: boolean): Projection {
  if (fused) return { weight: fusedQkv(weights, layer, qRows)[2] };
  return projection(weights, `model.layers.${layer}.self_attn.v_proj`);
}

/** Wgate and Wup of `layer`: gate_proj and up_proj, or the two halves of Phi-3's fused gate_up_proj [gate; up]. */
export function gateUpWeights(weights: WeightSource, layer: number, hiddenDim: number, fused: boolean): { gate: HostTensor; up: HostTensor } {
  const p = `model.layers.${layer}.mlp.`;
  if (!fused) return { gate: weights.get(`${p}gate_proj.weight`), up: weights.get(`${p}up_proj.weight`) };
  const [gate, up] = splitHostRows(`${p}gate_up_proj.weight`, weights.get(`${p}gate_up_proj.weight`), [hiddenDim, hiddenDim]);
  return { gate, up };
}
