import { memory, randomNormal, tidy, type Tensor } from '@transformer-kit/tensor';
import { describe, expect, it } from 'vitest';
import { Linear, MultiHeadAttention } from '../src/index';
import { expectClose, loadFixture } from './helpers/fixtures';

/** A layer's constructor owns what it is given: a layer built in a tidy outlives it, and dispose() frees everything. */
describe('layers own what they are given', () => {
  it('a Linear built inside a tidy keeps its weights; dispose() frees them', () => {
    const start = memory().numTensors;
    const layer = tidy(() => {
      new Linear(randomNormal([3, 4], 0, 1, { seed: 1 }), randomNormal([3], 0, 1, { seed: 2 })); // built and dropped: still owned, never freed by the tidy
      return new Linear(randomNormal([3, 4], 0, 1, { seed: 3 }), randomNormal([3], 0, 1, { seed: 4 }));
    });
    expect(layer.weight.isDisposed).toBe(false);
    expect(layer.forward(randomNormal([2, 4], 0, 1, { seed: 5 })).shape).toEqual([2, 3]);
    expect(Linear.from(layer)).toBe(layer);
    layer.dispose();
    expect(layer.weight.isDisposed).toBe(true);
    expect(memory().numTensors).toBe(start + 2 + 1 + 1); // the dropped Linear's two tensors, the input and the output
  });

  it('MultiHeadAttention takes a Linear or its { weight, bias } alike', () => {
    const w = (seed: number) => randomNormal([8, 8], 0, 0.3, { seed });
    const b = (seed: number) => randomNormal([8], 0, 0.3, { seed });
    const plain = new MultiHeadAttention({ dim: 8, heads: 2 }, { q: { weight: w(1), bias: b(2) }, k: { weight: w(3) }, v: { weight: w(4) }, o: { weight: w(5), bias: b(6) } });
    const layers = new MultiHeadAttention({ dim: 8, heads: 2 }, { q: new Linear(w(1), b(2)), k: new Linear(w(3)), v: new Linear(w(4)), o: new Linear(w(5), b(6)) });
    const x = randomNormal([1, 4, 8], 0, 1, { seed: 7 });
    expectClose(layers.forward(x, undefined, { causal: true }).output.dataSync(), plain.forward(x, undefined, { causal: true }).output.dataSync(), 0);
    plain.dispose();
    layers.dispose();
  });

  it('fromPackedWeights owns the packed tensors: after dispose() nothing of them is left', (ctx) => {
    const fx = loadFixture('attention/mha-self.safetensors');
    if (!fx) return ctx.skip();
    const start = memory().numTensors;
    const packed: Tensor[] = ['weight.in_proj_weight', 'weight.in_proj_bias', 'weight.out_proj.weight', 'weight.out_proj.bias'].map((n) => fx.file.tensor(n));
    const [inProjWeight, inProjBias, outProjWeight, outProjBias] = packed;
    const mha = MultiHeadAttention.fromPackedWeights({ dim: 16, heads: 4 }, { inProjWeight, inProjBias, outProjWeight, outProjBias });
    const query = fx.file.tensor('input.query');
    const { output } = mha.forward(query);
    expectClose(output.dataSync(), fx.file.read('expected.output'), 1e-4);
    output.dispose();
    query.dispose();
    mha.dispose();
    expect(memory().numTensors).toBe(start);
  });
});
