import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend, dequantizeGgml, getBackend, installWeightKernels, readGguf, setBackend, tensor } from '@transformer-kit/tensor';
import { jsWeightKernels, useWeightKernels } from '@transformer-kit/tensor/quant';
import { generate, loadGguf, readGgufModel, splitHostRows, type CausalLM } from '../src/index';
import { greedyDecode } from '../../../test-support/greedy-decode';
import { quantizeQ4_0 } from '../../../test-support/quantize-blocks';
import { GGML, quantizeGgufFile } from '../../../test-support/quantize-gguf';
import { haveShared, readShared } from './shared-data';

// Quantized versions of the family files (../shared/models/families, float32), written with tensor's GGUF writer
// (test-support/quantize-gguf.ts): every matrix quantized, norms and biases left F32 as llama.cpp's quantizer leaves them. Each quantized
// file is checked against the float path on the SAME values: a second file holding the quantized bytes decoded
// to float32 (tensor's decoders, bit-exact to ggml). With the TypeScript packed kernels (float32 activations) the
// two differ only by float32 rounding, so the CPU bar 1e-4 abs + 1e-4 rel holds. The installed WebAssembly
// kernels (q4_0, q8_0, q4_k; WebAssembly) round activations to 16 bits per block of 32; they are held to the same greedy ids.
const FAMILIES = ['qwen2', 'phi3', 'gemma', 'gemma2'] as const;
const { Q8_0, Q4_0, Q4_K } = GGML;
const SCHEMES = {
  Q8_0: () => Q8_0,
  Q4_0: () => Q4_0,
  // as Q4_K_M mixes types: Q4_K where a row holds whole 256-value super-blocks (ffn_down, [dim, 256]), Q8_0 elsewhere
  'Q4_K+Q8_0': (cols: number) => (cols % 256 === 0 ? Q4_K : Q8_0),
} as const;
const DTYPE: Record<number, string> = { [Q8_0]: 'q8_0', [Q4_0]: 'q4_0', [Q4_K]: 'q4_k' };
const PROMPT: number[] = [1, 403, 407, 261, 378, 29, 399, 471, 261, 1]; // any ids; BOS first

/** Logits [seq, vocab] of the whole prompt. */
function promptLogits(model: CausalLM): Float32Array {
  const { logits } = model.forward(tensor(Int32Array.from(PROMPT), [1, PROMPT.length], 'int32'));
  const values = logits.dataSync() as Float32Array;
  logits.dispose();
  return values;
}

/** max |a − e|, and the worst |a − e| / (1e-4 + 1e-4·|e|) (≤ 1 passes the CPU bar). */
function compare(a: Float32Array, e: Float32Array): { maxAbs: number; worst: number } {
  expect(a.length).toBe(e.length);
  let maxAbs = 0;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    maxAbs = Math.max(maxAbs, Number.isNaN(d) ? Infinity : d);
    worst = Math.max(worst, d / (1e-4 + 1e-4 * Math.abs(e[i])));
  }
  return { maxAbs, worst };
}

describe('splitHostRows', () => {
  it('cuts packed rows on their bytes (whole blocks) and names a bad split', () => {
    const x = Float32Array.from({ length: 3 * 64 }, (_, i) => Math.sin(i));
    const bytes = quantizeQ4_0(x); // [3, 64]: 2 blocks of 18 bytes per row
    const whole = { shape: [3, 64], data: dequantizeGgml(bytes, Q4_0, x.length), packed: { dtype: 'q4_0' as const, bytes } };
    const [a, b] = splitHostRows('w', whole, [1, 2]);
    expect(Array.from(b.packed!.bytes)).toEqual(Array.from(bytes.subarray(36)));
    expect(Array.from(b.data)).toEqual(Array.from(dequantizeGgml(bytes.subarray(36), Q4_0, 128)));
    expect(a.shape).toEqual([1, 64]);
    expect(() => splitHostRows('blk.0.attn_qkv.weight', whole, [1, 1])).toThrow(
      /blk\.0\.attn_qkv\.weight: cannot split \[3, 64\] into row counts \[1, 1\]/,
    );
  });
});

const original = getBackend();
beforeAll(() => setBackend(createCpuBackend()));
afterAll(() => setBackend(original));

for (const family of FAMILIES) {
  const file = `models/families/${family}-tiny.gguf`;
  describe.runIf(haveShared(file))(`${family}-tiny.gguf quantized`, () => {
    const source = readGguf(readShared(file));
    for (const [scheme, typeOf] of Object.entries(SCHEMES)) {
      describe(scheme, () => {
        const { quantized, decoded } = quantizeGgufFile(source, typeOf);

        it('keeps every matrix packed in the file’s type (Phi-3’s fused rows split packed), norms and biases float32', () => {
          const { weights } = readGgufModel(quantized, `${family}-${scheme}.gguf`);
          for (const info of source.tensors) {
            if (info.shape.length === 2) expect(DTYPE[typeOf(info.shape[1])]).toBeDefined();
          }
          const qkv = family === 'phi3' ? 'self_attn.qkv_proj' : 'self_attn.q_proj';
          expect(weights.get(`model.layers.0.${qkv}.weight`).packed?.dtype).toBe(DTYPE[typeOf(128)]);
          expect(weights.get('model.layers.0.mlp.down_proj.weight').packed?.dtype).toBe(DTYPE[typeOf(256)]);
          expect(weights.get('model.embed_tokens.weight').packed?.dtype).toBe(DTYPE[typeOf(128)]);
          expect(weights.get('model.norm.weight').packed).toBeUndefined();
          if (family === 'qwen2') expect(weights.get('model.layers.0.self_attn.q_proj.bias').packed).toBeUndefined();
        });

        it('logits equal the float32 decoding of the same weights (TypeScript kernels: float32 rounding, 1e-4 bar)', () => {
          const q = loadGguf(quantized, `${family}-${scheme}.gguf`).model as CausalLM;
          const f = loadGguf(decoded, `${family}-${scheme}-decoded.gguf`).model as CausalLM;
          installWeightKernels(jsWeightKernels);
          try {
            const { maxAbs, worst } = compare(promptLogits(q), promptLogits(f));
            console.log(`${family} ${scheme}, TypeScript kernels: max abs ${maxAbs.toExponential(2)}, worst/bar ${worst.toFixed(3)}`);
            expect(worst).toBeLessThanOrEqual(1);
          } finally {
            useWeightKernels();
            q.dispose();
            f.dispose();
          }
        });

        it('generates with the installed kernels: 32 greedy ids (KV cache) equal the float path’s', async () => {
          const loaded = loadGguf(quantized, `${family}-${scheme}.gguf`);
          const q = loaded.model as CausalLM;
          const f = loadGguf(decoded, `${family}-${scheme}-decoded.gguf`).model as CausalLM;
          const { maxAbs } = compare(promptLogits(q), promptLogits(f));
          const ids = (await greedyDecode(q, PROMPT, PROMPT.length + 32, getBackend())).slice(PROMPT.length);
          console.log(`${family} ${scheme}, installed kernels: logits max abs ${maxAbs.toExponential(2)} from the float path; ids ${ids.slice(0, 8).join(' ')} ...`);
          expect(ids).toEqual((await greedyDecode(f, PROMPT, PROMPT.length + 32, getBackend())).slice(PROMPT.length));
          // and through the public generate() with the file's own tokenizer
          const text: string[] = [];
          for await (const t of generate(q, loaded.tokenizer!, 'Once upon a time', { maxTokens: 8, temperature: 0 })) text.push(t.text);
          expect(text.length).toBeGreaterThan(0);
          q.dispose();
          f.dispose();
        });
      });
    }
  });
}
