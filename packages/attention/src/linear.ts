import { add, isPackedDType, matmul, type Tensor } from '@transformer-kit/tensor';

/** A linear layer's parameters in PyTorch's layout: y = x·Wᵀ + b. */
export interface LinearWeights {
  /** [out, in] (PyTorch `nn.Linear.weight`). */
  weight: Tensor;
  /** [out], optional. */
  bias?: Tensor;
}

/** @internal x [..., in] → [..., out]. */
export function linear(x: Tensor, w: LinearWeights): Tensor {
  const y = matmul(x, w.weight, { transposeB: true }); // [..., in] · [out, in]ᵀ → [..., out]
  return w.bias ? add(y, w.bias) : y;
}

/** @internal Checks a LinearWeights' shapes, naming the projection. */
export function checkLinear(name: string, w: LinearWeights | undefined, out: number, inDim: number): void {
  if (!w || !w.weight) throw new RangeError(`MultiHeadAttention: the ${name} projection weight is missing`);
  const s = w.weight.shape;
  if (s.length !== 2 || s[0] !== out || s[1] !== inDim) {
    throw new RangeError(`MultiHeadAttention: ${name}.weight must be [${out}, ${inDim}] ([out, in], PyTorch layout), got [${s.join(', ')}]`);
  }
  if (w.weight.dtype !== 'float32' && !isPackedDType(w.weight.dtype)) throw new RangeError(`MultiHeadAttention: ${name}.weight must be float32 or a packed weight dtype, got ${w.weight.dtype}`);
  if (w.bias && (w.bias.rank !== 1 || w.bias.shape[0] !== out)) {
    throw new RangeError(`MultiHeadAttention: ${name}.bias must be [${out}], got [${w.bias.shape.join(', ')}]`);
  }
}
