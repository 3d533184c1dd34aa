import { randomNormal, tensor, zeros } from '@transformer-kit/tensor';
import { describe, expect, it } from 'vitest';
import { TokenEmbedding, TokenTypeEmbedding } from '../src/index';
import { expectClose, loadFixture, values } from './helpers/fixtures';

const bert = () => {
  const model = loadFixture('models/bert-tiny/model.safetensors');
  const expected = loadFixture('models/bert-tiny/expected.safetensors');
  return model && expected ? { model: model.file, expected: expected.file } : null;
};

describe('TokenEmbedding on a real checkpoint table (bert-tiny word_embeddings)', () => {
  it('looks up the rows of the ids, any shape', (ctx) => {
    const fx = bert();
    if (!fx) return ctx.skip();
    const table = fx.model.read('embeddings.word_embeddings.weight'); // [101, 32]
    const ids = fx.expected.read('input_ids'); // [2, 9]
    const emb = new TokenEmbedding(fx.model.tensor('embeddings.word_embeddings.weight'));
    const out = emb.forward(fx.expected.tensor('input_ids'));
    expect(out.shape).toEqual([2, 9, 32]);
    const want = new Float32Array(2 * 9 * 32);
    ids.forEach((id, n) => want.set(table.subarray(id * 32, id * 32 + 32), n * 32));
    expectClose(values(out), want, 0, 'rows');
    emb.dispose();
  });

  it('scales by √dim as in the original paper, and by any factor', (ctx) => {
    const fx = bert();
    if (!fx) return ctx.skip();
    const table = fx.model.read('embeddings.word_embeddings.weight');
    const emb = new TokenEmbedding(fx.model.tensor('embeddings.word_embeddings.weight'), { scale: true });
    expect(emb.scale).toBeCloseTo(Math.sqrt(32), 12);
    const got = values(emb.forward([5, 100]));
    const want = [...table.subarray(5 * 32, 6 * 32), ...table.subarray(100 * 32, 101 * 32)].map((x) => x * Math.sqrt(32));
    expectClose(got, want, 1e-6, 'scaled');
    expect(new TokenEmbedding(zeros([3, 4]), { scale: 2 }).scale).toBe(2);
  });

  it('tied output projection: logits = h · Eᵀ', (ctx) => {
    const fx = bert();
    if (!fx) return ctx.skip();
    const table = fx.model.read('embeddings.word_embeddings.weight');
    const emb = new TokenEmbedding(fx.model.tensor('embeddings.word_embeddings.weight'));
    const h = fx.expected.tensor('last_hidden_state'); // [2, 9, 32]
    const hv = values(h);
    const logits = emb.project(h);
    expect(logits.shape).toEqual([2, 9, 101]);
    const want = new Float64Array(2 * 9 * 101);
    for (let r = 0; r < 18; r++)
      for (let v = 0; v < 101; v++) {
        let dot = 0;
        for (let d = 0; d < 32; d++) dot += hv[r * 32 + d] * table[v * 32 + d];
        want[r * 101 + v] = dot;
      }
    expectClose(values(logits), want, 1e-4, 'logits');
    expect(emb.project(tensor(Array.from(hv.subarray(0, 32)), [32])).shape).toEqual([101]);
    expect(() => emb.project(zeros([2, 31]))).toThrow(/hidden must be \[\.\.\., 32\], got \[2, 31\]/);
  });

  it('an id out of range is an error naming the id and the vocabulary size', () => {
    const emb = TokenEmbedding.random(10, 4, { seed: 1 });
    expect(() => emb.forward([3, 10])).toThrow(/token id 10 \(at index 1\) is out of range for a vocabulary of 10 tokens \(valid: 0\.\.9\)/);
    expect(() => emb.forward(tensor([-1], [1], 'int32'))).toThrow(/token id -1 \(at index 0\) is out of range for a vocabulary of 10 tokens/);
    expect(() => emb.forward(tensor([1], [1], 'float32'))).toThrow(/token ids must be int32, got float32/);
    expect(() => new TokenEmbedding(zeros([4]))).toThrow(/weight must be float32 \[vocab, dim\], got float32 \[4\] \(a packed weight dtype such as q4_k works too\)/);
  });

  it('random() is seeded: the same seed gives the same table, another seed another', () => {
    const a = values(TokenEmbedding.random(6, 3, { seed: 4 }).weight);
    const b = values(TokenEmbedding.random(6, 3, { seed: 4 }).weight);
    const c = values(TokenEmbedding.random(6, 3, { seed: 5 }).weight);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(Array.from(values(randomNormal([6, 3], 0, 0.02, { seed: 4 })))).toEqual(Array.from(a)); // N(0, 0.02²)
  });
});

describe('TokenTypeEmbedding (bert-tiny token_type_embeddings)', () => {
  it('looks up segment rows and rejects a type past the table', (ctx) => {
    const fx = bert();
    if (!fx) return ctx.skip();
    const table = fx.model.read('embeddings.token_type_embeddings.weight'); // [2, 32]
    const typeIds = fx.expected.read('token_type_ids');
    const types = new TokenTypeEmbedding(fx.model.tensor('embeddings.token_type_embeddings.weight'));
    const out = values(types.forward(fx.expected.tensor('token_type_ids')));
    const want = new Float32Array(18 * 32);
    typeIds.forEach((t, n) => want.set(table.subarray(t * 32, t * 32 + 32), n * 32));
    expectClose(out, want, 0, 'rows');
    expect(() => types.forward([0, 2])).toThrow(/token type id 2 \(at index 1\) is out of range for 2 token types/);
    types.dispose();
  });
});
