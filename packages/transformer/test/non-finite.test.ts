// Issue #12, finding 3: one NaN in the final norm made every logit NaN; greedy decoding then emitted token 0
// with probability NaN (exit 0), top-p failed with "token id undefined is out of range". Now every loader
// refuses non-finite weights naming the tensor (unless allowed), and generation refuses non-finite logits.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dequantizeGgml, quantizeQ8_0, readSafetensors } from '@transformer-kit/tensor';
import { finiteWeights, generate, loadGguf, loadHuggingFace, loadLlama2c, packedHostTensor, readGguf, Sampler, weightSource, type CausalLM, type NonFiniteReport } from '../src/index';
import { haveShared, readShared, shared } from './shared-data';
import { writeSafetensors } from './write-safetensors';

/** Byte offset of rms_final in a llama2.c .bin, from its header (run.c's memory_map_weights order). */
function rmsFinalOffset(bin: Uint8Array): number {
  const v = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const [dim, hidden, layers, heads, kvHeads, vocab] = Array.from({ length: 6 }, (_, i) => Math.abs(v.getInt32(4 * i, true)));
  const kvDim = (kvHeads * dim) / heads;
  const floats = vocab * dim + layers * dim + layers * dim * dim * 2 + layers * kvDim * dim * 2 + layers * dim + layers * hidden * dim * 3;
  return 28 + 4 * floats;
}

async function collect(model: CausalLM, tokenizer: Parameters<typeof generate>[1], options: Parameters<typeof generate>[3]): Promise<string> {
  let text = '';
  for await (const t of generate(model, tokenizer, 'Once', options)) text += t.text;
  return text;
}

describe.runIf(haveShared('models/stories260K/stories260K.bin', 'models/stories260K/stories260K.gguf', 'models/stories260K/tok512.bin'))('NaN in stories260K', () => {
  const bin = readShared('models/stories260K/stories260K.bin');
  const tok = readShared('models/stories260K/tok512.bin');
  const poisoned = bin.slice();
  new DataView(poisoned.buffer).setFloat32(rmsFinalOffset(bin) + 4 * 3, NaN, true);

  it('the llama2.c loader names the tensor and the count', () => {
    expect(() => loadLlama2c(poisoned, tok, 'stories260K.bin')).toThrow(
      "stories260K.bin: tensor 'model.norm.weight' holds 1 NaN and 0 infinite values of 64: the checkpoint is corrupt (pass allowNonFinite: true to load it anyway)",
    );
  });

  it('the GGUF loader does too (the same check, at the weight-source level)', () => {
    const gguf = readShared('models/stories260K/stories260K.gguf').slice();
    const info = readGguf(gguf).info('output_norm.weight')!;
    new DataView(gguf.buffer).setFloat32(info.offset, Infinity, true);
    expect(() => loadGguf(gguf, 'stories260K.gguf')).toThrow(/^stories260K\.gguf: tensor 'model\.norm\.weight' holds 0 NaN and 1 infinite values of 64/);
  });

  it('when allowed, reports the count, and generate stops with a clear error (greedy and top-p) instead of sampling', async () => {
    const reports: NonFiniteReport[] = [];
    const { model, tokenizer } = loadLlama2c(poisoned, tok, 'stories260K.bin', { allowNonFinite: true, onNonFinite: (r) => reports.push(r) });
    expect(reports).toEqual([{ origin: 'stories260K.bin', tensor: 'model.norm.weight', nan: 1, infinite: 0, total: 64 }]);
    const message = /^generate: the model's logits for position 2 hold 512 NaN and 0 infinite values of 512: the weights or the computation are broken, refusing to sample$/;
    await expect(collect(model as CausalLM, tokenizer!, { maxTokens: 4, temperature: 0 })).rejects.toThrow(message);
    await expect(collect(model as CausalLM, tokenizer!, { maxTokens: 4, temperature: 1, topP: 0.9, seed: 1 })).rejects.toThrow(message);
  });

  it('the sampler refuses non-finite logits on its own', () => {
    expect(() => new Sampler({ temperature: 0 }).sample([1, NaN, 2])).toThrow('sample: the logits hold 1 NaN and 0 infinite values of 3: refusing to sample from them');
    expect(() => new Sampler({ temperature: 1, topP: 0.9, seed: 1 }).sample([1, Infinity, 2])).toThrow(/hold 0 NaN and 1 infinite values of 3/);
  });
});

describe.runIf(haveShared('fixtures/models/llama-tiny/model.safetensors'))('NaN in a safetensors checkpoint', () => {
  it('is refused naming the file and the tensor', async () => {
    const dir = shared('fixtures/models/llama-tiny').path;
    const src = readSafetensors(readFileSync(`${dir}/model.safetensors`));
    const tensors: Parameters<typeof writeSafetensors>[0] = {};
    for (const name of src.names) {
      const data = (src.read(name) as Float32Array).slice();
      if (name === 'model.layers.1.mlp.down_proj.weight') data.set([NaN, NaN, -Infinity], 5);
      tensors[name] = { dtype: 'F32', shape: [...src.entry(name)!.shape], data };
    }
    const files: Record<string, Uint8Array> = { 'config.json': readFileSync(`${dir}/config.json`), 'model.safetensors': writeSafetensors(tensors) };
    await expect(loadHuggingFace(async (name) => files[name])).rejects.toThrow(/^model\.safetensors: tensor 'model\.layers\.1\.mlp\.down_proj\.weight' holds 2 NaN and 1 infinite values of 2048/);
  });
});

describe('packed weights are checked in their packed form', () => {
  // two rows of 64 weights in Q8_0 (4 blocks of 32: a 2-byte f16 scale, then 32 int8 codes)
  const values = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i) * 3);
  const source = (bytes: Uint8Array, decoded: { count: number }) =>
    weightSource('w.gguf', { 'model.layers.0.mlp.down_proj.weight': () => packedHostTensor([2, 64], 'q8_0', bytes, () => {
      decoded.count++;
      return dequantizeGgml(bytes, 8, 128);
    }) });

  it('a finite weight is never decoded to float32 (it would cost 4x its bytes to check it)', () => {
    const decoded = { count: 0 };
    const t = finiteWeights(source(quantizeQ8_0(values), decoded)).get('model.layers.0.mlp.down_proj.weight');
    expect(t.packed?.dtype).toBe('q8_0');
    expect(decoded.count).toBe(0);
  });

  it('a block whose scale is Infinity is refused, with the counts of the decoded values', () => {
    const bytes = quantizeQ8_0(values);
    bytes.set([0x00, 0x7c], 2 * 34); // block 2's f16 scale: +Infinity
    // ggml's decoding of that block: Infinity·code is ±Infinity, and NaN for a zero code
    const decodedValues = Array.from(dequantizeGgml(bytes, 8, 128));
    const nan = decodedValues.filter((v) => Number.isNaN(v)).length;
    const infinite = decodedValues.filter((v) => v === Infinity || v === -Infinity).length;
    expect(nan + infinite).toBe(32);
    const reports: NonFiniteReport[] = [];
    expect(() => finiteWeights(source(bytes, { count: 0 }), { onNonFinite: (r) => reports.push(r) }).get('model.layers.0.mlp.down_proj.weight')).toThrow(
      `w.gguf: tensor 'model.layers.0.mlp.down_proj.weight' holds ${nan} NaN and ${infinite} infinite values of 128: the checkpoint is corrupt (pass allowNonFinite: true to load it anyway)`,
    );
    expect(reports).toEqual([{ origin: 'w.gguf', tensor: 'model.layers.0.mlp.down_proj.weight', nan, infinite, total: 128 }]);
  });
});

describe.runIf(haveShared('models/r42m/r42m-Q4_K_M.gguf'))('a Q4_K block with an infinite scale in r42m-Q4_K_M.gguf', () => {
  it('is refused by loadGguf naming the tensor, with the counts of its decoded values', () => {
    const file = readShared('models/r42m/r42m-Q4_K_M.gguf').slice();
    const info = readGguf(file).info('blk.0.ffn_gate.weight')!;
    expect(info.typeName).toBe('Q4_K');
    file.set([0x00, 0x7c], info.offset + 5 * 144); // block 5's f16 d (Q4_K blocks: 144 bytes, d first)
    const decoded = Array.from(readGguf(file).read('blk.0.ffn_gate.weight'));
    const nan = decoded.filter((v) => Number.isNaN(v)).length;
    const infinite = decoded.filter((v) => v === Infinity || v === -Infinity).length;
    expect(nan + infinite).toBeGreaterThan(0);
    expect(() => loadGguf(file, 'r42m-Q4_K_M.gguf')).toThrow(
      `r42m-Q4_K_M.gguf: tensor 'model.layers.0.mlp.gate_proj.weight' holds ${nan} NaN and ${infinite} infinite values of ${decoded.length}`,
    );
  });
});
