import { castTo, type Tensor, memory, randomNormal, zeros } from '@transformer-kit/tensor';
import { describe, expect, it } from 'vitest';
import { keyPaddingMask, MultiHeadAttention } from '../src/index';
import { expectClose, loadFixture, values } from './helpers/fixtures';

const torchCases = ['mha-self', 'mha-causal', 'mha-padding-nobias', 'mha-cross'];

describe('MultiHeadAttention against torch.nn.MultiheadAttention fixtures', () => {
  for (const name of torchCases) {
    it(`${name}: output and per-head weights`, (ctx) => {
      const fx = loadFixture(`attention/${name}.safetensors`);
      if (!fx) return ctx.skip();
      const { file, config } = fx;
      expect(String(config.notes)).toContain('per head'); // the fixture stores per-head weights, not the head average
      const has = (n: string) => file.names.includes(n);
      const mha = MultiHeadAttention.fromPackedWeights(
        { dim: config.embed_dim as number, heads: config.num_heads as number },
        {
          inProjWeight: file.tensor('weight.in_proj_weight'),
          inProjBias: has('weight.in_proj_bias') ? file.tensor('weight.in_proj_bias') : undefined,
          outProjWeight: file.tensor('weight.out_proj.weight'),
          outProjBias: has('weight.out_proj.bias') ? file.tensor('weight.out_proj.bias') : undefined,
        },
      );
      const query = file.tensor('input.query');
      const keyValue = config.cross ? file.tensor('input.key_value') : undefined;
      let mask: Tensor | undefined;
      if (has('input.attn_mask')) mask = castTo(file.tensor('input.attn_mask'), 'bool'); // [seqQ, seqK], true = not allowed
      if (has('input.key_padding_mask')) mask = keyPaddingMask(castTo(file.tensor('input.key_padding_mask'), 'bool')); // [batch, 1, 1, seqK]
      const { output, weights } = mha.forward(query, keyValue, { mask, returnWeights: true });
      expect(output.shape).toEqual(file.entry('expected.output')!.shape);
      expect(weights!.shape).toEqual(file.entry('expected.weights')!.shape);
      expectClose(values(output), file.read('expected.output'), 1e-4, 'output');
      expectClose(values(weights!), file.read('expected.weights'), 1e-4, 'weights');
      if (config.causal) {
        // The same answer from the causal flag instead of the fixture's explicit mask.
        const viaFlag = mha.forward(query, undefined, { causal: true });
        expectClose(values(viaFlag.output), file.read('expected.output'), 1e-4, 'output (causal flag)');
      }
      // Without weights, auto takes another path (fused kernel when unmasked): the same answer.
      const plain = mha.forward(query, keyValue, { mask });
      expectClose(values(plain.output), file.read('expected.output'), 1e-4, 'output without weights');
      mha.dispose();
    });
  }

  for (const name of ['gqa-causal', 'mqa-causal']) {
    it(`${name}: grouped-query output and per-head weights`, (ctx) => {
      const fx = loadFixture(`attention/${name}.safetensors`);
      if (!fx) return ctx.skip();
      const { file, config } = fx;
      const mha = new MultiHeadAttention(
        { dim: config.embed_dim as number, heads: config.num_heads as number, kvHeads: config.num_kv_heads as number, headDim: config.head_dim as number },
        {
          q: { weight: file.tensor('weight.wq') },
          k: { weight: file.tensor('weight.wk') },
          v: { weight: file.tensor('weight.wv') },
          o: { weight: file.tensor('weight.wo') },
        },
      );
      const x = file.tensor('input.x');
      const { output, weights } = mha.forward(x, undefined, { causal: true, returnWeights: true });
      expectClose(values(output), file.read('expected.output'), 1e-4, 'output');
      expectClose(values(weights!), file.read('expected.weights'), 1e-4, 'weights');
      const fused = mha.forward(x, undefined, { causal: true });
      expectClose(values(fused.output), file.read('expected.output'), 1e-4, 'output (fused)');
      mha.dispose();
    });
  }
});

describe('MultiHeadAttention behaviour', () => {
  const w = (out: number, inDim: number, seed: number) => ({ weight: randomNormal([out, inDim], 0, 0.3, { seed }) });

  it('names the projection whose weight has the wrong shape', () => {
    expect(() => new MultiHeadAttention({ dim: 8, heads: 2, kvHeads: 1 }, { q: w(8, 8, 1), k: w(8, 8, 2), v: w(4, 8, 3), o: w(8, 8, 4) })).toThrow(
      /k\.weight must be \[4, 8\]/,
    );
    expect(() => new MultiHeadAttention({ dim: 8, heads: 3 }, { q: w(8, 8, 1), k: w(8, 8, 2), v: w(8, 8, 3), o: w(8, 8, 4) })).toThrow(/headDim/);
    expect(() => new MultiHeadAttention({ dim: 8, heads: 4, kvHeads: 3, headDim: 2 }, { q: w(8, 8, 1), k: w(6, 8, 2), v: w(6, 8, 3), o: w(8, 8, 4) })).toThrow(
      /cannot share 3 key\/value heads/,
    );
  });

  it('rejects inputs of the wrong width and int32 masks', () => {
    const mha = new MultiHeadAttention({ dim: 8, heads: 2 }, { q: w(8, 8, 1), k: w(8, 8, 2), v: w(8, 8, 3), o: w(8, 8, 4) });
    expect(() => mha.forward(zeros([1, 3, 7]))).toThrow(/query must be float32 \[batch, seq, 8\], got float32 \[1, 3, 7\]/);
    expect(() => mha.forward(zeros([1, 3, 8]), undefined, { mask: zeros([3, 3], 'int32') })).toThrow(/castTo\(mask, 'bool'\)/);
    mha.dispose();
  });

  it('frees every intermediate: only the outputs stay alive', () => {
    const mha = new MultiHeadAttention({ dim: 8, heads: 4, kvHeads: 2 }, { q: w(8, 8, 1), k: w(4, 8, 2), v: w(4, 8, 3), o: w(8, 8, 4) });
    const x = randomNormal([2, 5, 8], 0, 1, { seed: 9 });
    const before = memory().numTensors;
    const { output, weights } = mha.forward(x, undefined, { causal: true, returnWeights: true });
    expect(memory().numTensors - before).toBe(2);
    output.dispose();
    weights!.dispose();
    mha.dispose();
    x.dispose();
  });

  it('passes the rotate hook q [b, heads, s, hd], k [b, kvHeads, s, hd] and the position offset', () => {
    const mha = new MultiHeadAttention({ dim: 8, heads: 4, kvHeads: 2 }, { q: w(8, 8, 1), k: w(4, 8, 2), v: w(4, 8, 3), o: w(8, 8, 4) });
    const seen: unknown[] = [];
    const rotate = (q: Tensor, k: Tensor, offset: number): [Tensor, Tensor] => {
      seen.push([q.shape, k.shape, offset]);
      return [q, k];
    };
    mha.forward(randomNormal([1, 3, 8], 0, 1, { seed: 2 }), undefined, { rotate }).output.dispose();
    expect(seen).toEqual([[[1, 4, 3, 2], [1, 2, 3, 2], 0]]);
    mha.dispose();
  });
});
