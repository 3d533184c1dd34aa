import { tensor, zeros } from '@transformer-kit/tensor';
import { describe, expect, it } from 'vitest';
import { clsPool, cosineSimilarity, l2Normalize, meanPool, nearestTokens, TokenEmbedding } from '../src/index';
import { expectClose, loadFixture, values } from './helpers/fixtures';

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

describe('similarity', () => {
  it('cosine similarity and L2 normalisation follow their definitions', () => {
    expectClose(values(l2Normalize(tensor([3, 4, 0, 0], [2, 2]))), [0.6, 0.8, 0, 0], 1e-6, 'normalised (zero row stays zero)');
    expectClose(values(cosineSimilarity(tensor([1, 0], [2]), tensor([1, 1], [2]))), [Math.SQRT1_2], 1e-6, 'cos 45°');
    expectClose(values(cosineSimilarity(tensor([1, 0, 0, 1, -2, 0], [3, 2]), tensor([1, 0], [2]))), [1, 0, -1], 1e-6, 'broadcast');
    expectClose(values(cosineSimilarity(zeros([2]), tensor([1, 0], [2]))), [0], 0, 'zero vector');
    expect(() => cosineSimilarity(zeros([3]), zeros([2]))).toThrow(/last dimensions differ: \[3\] vs \[2\]/);
  });

  it('nearest tokens of a token and of a vector, on a real table (gpt2-tiny wte), by brute-force cosine', async (ctx) => {
    const fx = loadFixture('models/gpt2-tiny/model.safetensors');
    if (!fx) return ctx.skip();
    const table = fx.file.read('wte.weight'); // [97, 32]
    const row = (i: number) => table.subarray(i * 32, i * 32 + 32);
    const emb = new TokenEmbedding(fx.file.tensor('wte.weight'));
    const expectedFor = (q: ArrayLike<number>, skip: number) =>
      Array.from({ length: 97 }, (_, id) => ({ id, score: cosine(q, row(id)) }))
        .filter((n) => n.id !== skip)
        .sort((a, b) => b.score - a.score)
        .slice(0, 5);
    const byToken = await nearestTokens(emb, 42, { k: 5 });
    const want = expectedFor(row(42), 42);
    expect(byToken.map((n) => n.id)).toEqual(want.map((n) => n.id));
    expectClose(byToken.map((n) => n.score), want.map((n) => n.score), 1e-5, 'scores');
    const self = await nearestTokens(emb, 42, { k: 1, excludeSelf: false });
    expect(self[0].id).toBe(42);
    expect(self[0].score).toBeCloseTo(1, 5);
    const query = Float32Array.from(row(7), (x, d) => x + 0.01 * d);
    const byVector = await nearestTokens(emb.weight, tensor(query, [32]), { k: 5 });
    expect(byVector.map((n) => n.id)).toEqual(expectedFor(query, -1).map((n) => n.id));
    await expect(nearestTokens(emb, 97)).rejects.toThrow(/token id 97 is out of range for a vocabulary of 97 tokens/);
  });
});

describe('pooling', () => {
  it('mean pooling honours the attention mask (bert-tiny last_hidden_state and attention_mask)', (ctx) => {
    const fx = loadFixture('models/bert-tiny/expected.safetensors');
    if (!fx) return ctx.skip();
    const hidden = fx.file.read('last_hidden_state'); // [2, 9, 32]
    const mask = fx.file.read('attention_mask'); // [2, 9], 1 = token
    const want = new Float64Array(2 * 32);
    for (let b = 0; b < 2; b++) {
      let count = 0;
      for (let s = 0; s < 9; s++) {
        if (!mask[b * 9 + s]) continue;
        count++;
        for (let d = 0; d < 32; d++) want[b * 32 + d] += hidden[(b * 9 + s) * 32 + d];
      }
      for (let d = 0; d < 32; d++) want[b * 32 + d] /= count;
    }
    const h = fx.file.tensor('last_hidden_state');
    expectClose(values(meanPool(h, { attentionMask: fx.file.tensor('attention_mask') })), want, 1e-5, 'attentionMask');
    const padding = tensor(Array.from(mask, (m) => m === 0), [2, 9], 'bool');
    expectClose(values(meanPool(h, { paddingMask: padding })), want, 1e-5, 'paddingMask');
    // CLS pooling: the first position's state.
    expectClose(values(clsPool(h)), [...hidden.subarray(0, 32), ...hidden.subarray(9 * 32, 10 * 32)], 0, 'cls');
  });

  it('plain mean without a mask; an all-padding row gives zeros; bad shapes are named', () => {
    expectClose(values(meanPool(tensor([1, 2, 3, 4], [1, 2, 2]))), [2, 3], 1e-6, 'mean');
    expectClose(values(meanPool(tensor([1, 2, 3, 4], [1, 2, 2]), { attentionMask: tensor([0, 0], [1, 2], 'int32') })), [0, 0], 0, 'all padding');
    expect(() => meanPool(zeros([2, 3, 4]), { attentionMask: zeros([2, 4]) })).toThrow(/mask must be \[batch 2, seq 3\], got \[2, 4\]/);
    expect(() => clsPool(zeros([3, 4]))).toThrow(/hidden states must be float32 \[batch, seq, dim\]/);
  });
});
