import { afterEach, describe, expect, it } from 'vitest';
import {
  add, applyRotary, arange, argmax, attend, castTo, concat, cos, createCpuBackend, exp, gather, gelu, layerNorm, logicalOr,
  maskedFill, matmul, mul, permute, relu, setBackend, sin, slice, softmax, split, stack, sub, tensor, tidy, writeSlice, zeros,
  type Backend, type SafetensorsFile, type Tensor,
} from '@transformer-kit/tensor';
import { withoutFusedKernels } from '@transformer-kit/tensor/testing';
import { loadFixture, missingFixtures } from './fixture-files';

/**
 * The PyTorch fixtures recomputed from their inputs and weights with this package's ops, on the CPU
 * backend and on the same backend with its fused kernels hidden (the composites): matmul, softmax,
 * layerNorm, gelu, attend, applyRotary, gather and writeSlice held to torch within 1e-4 abs + rel.
 */
const skip = missingFixtures();
if (skip) console.warn(skip);

const TOL = 1e-4;
async function expectClose(actual: Tensor, expected: Tensor): Promise<void> {
  expect(actual.shape).toEqual(expected.shape);
  const a = await actual.data();
  const e = await expected.data();
  let worst = { i: -1, excess: 0 };
  for (let i = 0; i < e.length; i++) {
    const excess = Math.abs(a[i] - e[i]) - (TOL + TOL * Math.abs(e[i]));
    if (!(excess <= worst.excess)) worst = { i, excess };
  }
  if (worst.i >= 0) throw new Error(`element ${worst.i}: ${a[worst.i]} vs expected ${e[worst.i]}`);
}

/** y = x·Wᵀ + b with a PyTorch [out, in] weight. */
function linear(x: Tensor, w: Tensor, b?: Tensor | null): Tensor {
  const y = matmul(x, w, { transposeB: true }); // [batch, seq, out]
  return b ? add(y, b) : y;
}

/** [batch, seq, heads·headDim] → [batch, heads, seq, headDim] */
function splitHeads(x: Tensor, heads: number): Tensor {
  const [b, s, e] = x.shape;
  return permute(x.reshape([b, s, heads, e / heads]), [0, 2, 1, 3]);
}

/** [batch, heads, seq, headDim] → [batch, seq, heads·headDim] */
function mergeHeads(x: Tensor): Tensor {
  const [b, h, s, d] = x.shape;
  return permute(x, [0, 2, 1, 3]).reshape([b, s, h * d]);
}

/** torch.nn.MultiheadAttention (batch_first) from its state dict; `mask` is bool, true = not allowed, broadcast to [B, H, T, S]. */
function multiheadAttention(f: SafetensorsFile, prefix: string, query: Tensor, keyValue: Tensor, heads: number, mask: Tensor | null): { output: Tensor; weights: Tensor } {
  const [wq, wk, wv] = split(f.tensor(`${prefix}in_proj_weight`), 3, 0);
  const bias = f.entry(`${prefix}in_proj_bias`) ? split(f.tensor(`${prefix}in_proj_bias`), 3, 0) : [null, null, null];
  const q = splitHeads(linear(query, wq, bias[0]), heads); // [B, H, T, hd]
  const k = splitHeads(linear(keyValue, wk, bias[1]), heads); // [B, H, S, hd]
  const v = splitHeads(linear(keyValue, wv, bias[2]), heads);
  let scores = mul(matmul(q, k, { transposeB: true }), 1 / Math.sqrt(q.shape[3])); // [B, H, T, S]
  if (mask) scores = maskedFill(scores, mask, -Infinity);
  const weights = softmax(scores);
  const merged = mergeHeads(matmul(weights, v)); // [B, T, E]
  const outBias = f.entry(`${prefix}out_proj.bias`) ? f.tensor(`${prefix}out_proj.bias`) : null;
  return { output: linear(merged, f.tensor(`${prefix}out_proj.weight`), outBias), weights };
}

/** The bool mask of a fixture: attn_mask [T, S] and/or key_padding_mask [B, S] → broadcastable to [B, H, T, S]. */
function fixtureMask(f: SafetensorsFile, attnName: string, paddingName: string): Tensor | null {
  const attn = f.entry(attnName) ? castTo(f.tensor(attnName), 'bool') : null; // [T, S]
  const padding = f.entry(paddingName) ? castTo(f.tensor(paddingName), 'bool') : null;
  const pad = padding ? padding.reshape([padding.shape[0], 1, 1, padding.shape[1]]) : null; // [B, 1, 1, S]
  if (attn && pad) return logicalOr(attn, pad);
  return attn ?? pad;
}

const backends: [string, () => Backend][] = [
  ['cpu (fused kernels)', () => createCpuBackend()],
  ['cpu composites', () => withoutFusedKernels(createCpuBackend())],
];

afterEach(() => {
  setBackend(createCpuBackend());
});

describe.skipIf(Boolean(skip))('PyTorch fixtures recomputed with our ops', () => {
  for (const [label, make] of backends) {
    describe(label, () => {
      for (const name of ['mha-self', 'mha-causal', 'mha-cross', 'mha-padding-nobias']) {
        it(`attention/${name}: torch.nn.MultiheadAttention output and per-head weights`, async () => {
          setBackend(make());
          const { file: f, config } = loadFixture(`attention/${name}.safetensors`);
          const { output, weights } = tidy(() => {
            const mask = fixtureMask(f, 'input.attn_mask', 'input.key_padding_mask');
            const query = f.tensor('input.query');
            const kv = config.cross ? f.tensor('input.key_value') : query;
            return multiheadAttention(f, 'weight.', query, kv, config.num_heads as number, mask);
          });
          await expectClose(output, f.tensor('expected.output'));
          await expectClose(weights, f.tensor('expected.weights'));
        });
      }
      for (const name of ['gqa-causal', 'mqa-causal']) {
        it(`attention/${name}: attend (GQA) output, weights with shared kv heads, and a KV cache fed one position at a time`, async () => {
          setBackend(make());
          const { file: f, config } = loadFixture(`attention/${name}.safetensors`);
          const heads = config.num_heads as number;
          const kvHeads = config.num_kv_heads as number;
          const x = f.tensor('input.x'); // [B, T, E]
          const [batch, seq] = x.shape;
          const q = splitHeads(linear(x, f.tensor('weight.wq')), heads); // [B, H, T, hd]
          const k = splitHeads(linear(x, f.tensor('weight.wk')), kvHeads); // [B, KVH, T, hd]
          const v = splitHeads(linear(x, f.tensor('weight.wv')), kvHeads);
          const wo = f.tensor('weight.wo');
          await expectClose(linear(mergeHeads(attend(q, k, v, { causal: true })), wo), f.tensor('expected.output'));
          // weights: kv head ⌊h / (H / KVH)⌋ gathered per query head, then a causal softmax
          const kvOf = tensor(Array.from({ length: heads }, (_, h) => Math.floor(h / (heads / kvHeads))), [heads], 'int32');
          const scores = mul(matmul(q, gather(k, kvOf, 1), { transposeB: true }), 1 / Math.sqrt(q.shape[3])); // [B, H, T, T]
          const future = tensor(Array.from({ length: seq * seq }, (_, i) => (i % seq > Math.floor(i / seq) ? 1 : 0)), [seq, seq], 'bool');
          await expectClose(softmax(maskedFill(scores, future, -Infinity)), f.tensor('expected.weights'));
          // KV cache: positions appended one at a time into a preallocated cache, each attending causally to the past
          const capacity = seq + 3;
          const cacheK = zeros([batch, kvHeads, capacity, q.shape[3]]);
          const cacheV = zeros([batch, kvHeads, capacity, q.shape[3]]);
          const rows: Tensor[] = [];
          for (let t = 0; t < seq; t++) {
            const at = (z: Tensor) => slice(z, [0, 0, t, 0], [-1, -1, 1, -1]); // [B, *, 1, hd]
            writeSlice(cacheK, at(k), [0, 0, t, 0]);
            writeSlice(cacheV, at(v), [0, 0, t, 0]);
            rows.push(attend(at(q), cacheK, cacheV, { causal: true, queryOffset: t, kvLength: t + 1 }));
          }
          await expectClose(linear(mergeHeads(concat(rows, 2)), wo), f.tensor('expected.output'));
        });
      }
      for (const name of ['encoder-postln-relu', 'encoder-preln-gelu']) {
        it(`layers/${name}: torch.nn.TransformerEncoderLayer (layerNorm, ${name.endsWith('gelu') ? 'gelu' : 'relu'}, masks)`, async () => {
          setBackend(make());
          const { file: f, config } = loadFixture(`layers/${name}.safetensors`);
          const w = (n: string) => f.tensor(`weight.${n}`);
          const eps = config.layer_norm_eps as number;
          const mask = fixtureMask(f, 'input.src_mask', 'input.key_padding_mask');
          const selfAttention = (h: Tensor) => multiheadAttention(f, 'weight.self_attn.', h, h, config.nhead as number, mask).output;
          const act = (h: Tensor) => (config.activation === 'gelu' ? gelu(h) : relu(h));
          const feedForward = (h: Tensor) => linear(act(linear(h, w('linear1.weight'), w('linear1.bias'))), w('linear2.weight'), w('linear2.bias'));
          const norm1 = (h: Tensor) => layerNorm(h, w('norm1.weight'), w('norm1.bias'), eps);
          const norm2 = (h: Tensor) => layerNorm(h, w('norm2.weight'), w('norm2.bias'), eps);
          let x = f.tensor('input.x');
          if (config.norm_first) {
            x = add(x, selfAttention(norm1(x)));
            x = add(x, feedForward(norm2(x)));
          } else {
            x = norm1(add(x, selfAttention(x)));
            x = norm2(add(x, feedForward(x)));
          }
          await expectClose(x, f.tensor('expected.output'));
        });
      }
    });
  }

  it('positional/sinusoidal-64x16: the table built with arange/exp/sin/cos/stack, and the closed form', async () => {
    const { file: f, config } = loadFixture('positional/sinusoidal-64x16.safetensors');
    const [len, dim] = [config.max_len as number, config.dim as number];
    const pos = arange(len, undefined, 1, 'float32').reshape([len, 1]); // [len, 1]
    const freq = exp(mul(arange(0, dim, 2, 'float32'), -Math.log(10000) / dim)); // [dim/2]
    const angle = mul(pos, freq); // [len, dim/2]
    const table = stack([sin(angle), cos(angle)], -1).reshape([len, dim]); // sin at 2i, cos at 2i+1
    const expected = f.tensor('expected.table');
    await expectClose(table, expected);
    const closed = Float32Array.from({ length: len * dim }, (_, k) => {
      const p = Math.floor(k / dim);
      const i = k % dim;
      const a = p / 10000 ** ((i - (i % 2)) / dim);
      return i % 2 ? Math.cos(a) : Math.sin(a);
    });
    await expectClose(tensor(closed, [len, dim]), expected);
  });

  for (const name of ['rope-interleaved', 'rope-half-offset']) {
    it(`positional/${name}: applyRotary with tables from theta and the position offset`, async () => {
      for (const [, make] of backends) {
        setBackend(make());
        const { file: f, config } = loadFixture(`positional/${name}.safetensors`);
        const dim = config.head_dim as number;
        const seq = config.seq_len as number;
        const half = dim / 2;
        const theta = config.theta as number;
        const offset = config.position_offset as number;
        const angles = Array.from({ length: seq * half }, (_, k) => (offset + Math.floor(k / half)) / theta ** ((2 * (k % half)) / dim));
        const cosT = tensor(angles.map(Math.cos), [seq, half]);
        const sinT = tensor(angles.map(Math.sin), [seq, half]);
        const layout = config.layout === 'interleaved' ? 'interleaved' : 'halves';
        await expectClose(applyRotary(f.tensor('input.x'), cosT, sinT, layout), f.tensor('expected.output'));
      }
    });
  }

  for (const name of ['alibi-8', 'alibi-12']) {
    it(`positional/${name}: slopes by the ALiBi paper's formula, bias = slope·(j − i) built with broadcasting`, async () => {
      const { file: f, config } = loadFixture(`positional/${name}.safetensors`);
      const heads = config.num_heads as number;
      const seq = config.seq_len as number;
      const powerOf2 = (n: number) => Array.from({ length: n }, (_, i) => 2 ** ((-8 * (i + 1)) / n));
      const slopesOf = (n: number): number[] => {
        const p = 2 ** Math.floor(Math.log2(n));
        return p === n ? powerOf2(n) : [...powerOf2(p), ...slopesOf(2 * p).filter((_, i) => i % 2 === 0).slice(0, n - p)];
      };
      const slopes = tensor(slopesOf(heads), [heads]);
      await expectClose(slopes, f.tensor('expected.slopes'));
      const distance = sub(arange(seq).reshape([1, seq]), arange(seq).reshape([seq, 1])); // int32 [seq, seq]: j − i
      await expectClose(mul(slopes.reshape([heads, 1, 1]), distance), f.tensor('expected.bias'));
    });
  }

  for (const [model, prompt] of [['gpt2-tiny', 8], ['llama-tiny', 7]] as const) {
    it(`models/${model}: argmax of the last logits is the first greedy token`, async () => {
      const { file: f } = loadFixture(`models/${model}/expected.safetensors`);
      const logits = f.tensor('logits'); // [1, prompt, vocab]
      const last = slice(logits, [0, prompt - 1, 0], [1, 1, -1]);
      const greedy = await f.tensor('greedy_ids').data();
      const ids = await f.tensor('input_ids').data();
      expect(Array.from(greedy.subarray(0, prompt))).toEqual(Array.from(ids));
      expect((await argmax(last, -1).data())[0]).toBe(greedy[prompt]);
    });
  }
});
