/**
 * The position-wise feed-forward network: the same two-layer MLP applied to every position on its own
 * (it mixes features, never positions). Either `down(act(up(x)))` — ReLU in Vaswani et al., GELU in BERT and
 * GPT-2 — or the gated form `down(act(gate(x)) ⊙ up(x))` (SwiGLU with SiLU, Llama; Shazeer 2020).
 */
import { gelu, mul, relu, silu, swiglu, tidy, type Tensor } from '@transformer-kit/tensor';
import { Linear, type LinearWeights } from '@transformer-kit/attention';

/** The nonlinearity: 'gelu' is exact (erf), 'gelu_tanh' is the tanh approximation (GPT-2's gelu_new). */
export type Activation = 'relu' | 'gelu' | 'gelu_tanh' | 'silu';

/**
 * The activation function of a name used in configs (Hugging Face's `hidden_act` / `activation_function`,
 * PyTorch's `activation`).
 *
 * @example
 * ```ts
 * import { activationFromName } from '@transformer-kit/transformer';
 * activationFromName('gelu_new'); // 'gelu_tanh'
 * ```
 */
export function activationFromName(name: string): Activation {
  switch (name) {
    case 'relu': return 'relu';
    case 'gelu': return 'gelu';
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast':
    case 'gelu_tanh': return 'gelu_tanh';
    case 'silu':
    case 'swish': return 'silu';
    default: throw new Error(`activation '${name}' is not supported (supported: relu, gelu, gelu_new, gelu_pytorch_tanh, silu)`);
  }
}

/**
 * Applies an activation elementwise.
 *
 * @example
 * ```ts
 * import { tensor } from '@transformer-kit/tensor';
 * import { activate } from '@transformer-kit/transformer';
 * activate(tensor([-1, 2], [2]), 'relu'); // [0, 2]
 * ```
 */
export function activate(x: Tensor, activation: Activation): Tensor {
  switch (activation) {
    case 'relu': return relu(x);
    case 'gelu': return gelu(x, 'none');
    case 'gelu_tanh': return gelu(x, 'tanh');
    case 'silu': return silu(x);
  }
}

/**
 * The linear layers of a feed-forward block, each a `Linear` or its `{ weight, bias? }` (as attention takes
 * them); `gate` makes it gated (SwiGLU when the activation is SiLU).
 */
export interface FeedForwardWeights {
  readonly up: LinearWeights;
  readonly down: LinearWeights;
  readonly gate?: LinearWeights;
}

/**
 * A position-wise feed-forward block. It owns the weights it is given: `dispose()` frees them.
 *
 * @example
 * ```ts
 * import { tensor } from '@transformer-kit/tensor';
 * import { FeedForward, Linear } from '@transformer-kit/transformer';
 * // dim 2 → hidden 3 → dim 2; weights in PyTorch's [out, in] layout
 * const up = new Linear(tensor([1, 0, 0, 1, 1, -1], [3, 2]), tensor([0, 0, 0], [3]));
 * const down = new Linear(tensor([1, 1, 0, 0, 0, 1], [2, 3]));
 * const ffn = new FeedForward({ up, down }, 'relu');
 * const y = ffn.forward(tensor([2, 3], [1, 1, 2])); // [batch 1, seq 1, dim 2]
 * console.log(y.shape, y.dataSync()); // [ 1, 1, 2 ] Float32Array(2) [ 5, 0 ]
 * ```
 */
export class FeedForward {
  /** The layers, each a `Linear` (made from `{ weight, bias? }` where that was given). */
  readonly weights: { readonly up: Linear; readonly down: Linear; readonly gate?: Linear };

  constructor(
    weights: FeedForwardWeights,
    readonly activation: Activation,
  ) {
    this.weights = { up: Linear.from(weights.up), down: Linear.from(weights.down), gate: weights.gate && Linear.from(weights.gate) };
  }

  /** x [..., dim] → [..., dim]: down(act(gate(x)) ⊙ up(x)), or down(act(up(x))) without a gate. */
  forward(x: Tensor): Tensor {
    const { up, down, gate } = this.weights;
    const act = (t: Tensor) => activate(t, this.activation);
    // NOTE: SwiGLU as one op (swiglu = mul(silu(g), u), same values): one kernel and one tensor less per layer and token
    const gated = (g: Tensor, u: Tensor) => (this.activation === 'silu' ? swiglu(g, u) : mul(act(g), u));
    return tidy(() => down.forward(gate ? gated(gate.forward(x), up.forward(x)) : act(up.forward(x)))); // [..., hidden] → [..., dim]
  }

  /** Frees the weights. */
  dispose(): void {
    const { up, down, gate } = this.weights;
    up.dispose();
    down.dispose();
    gate?.dispose();
  }
}
