import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bfloat16ToFloat32, float16ToFloat32, floatToHalfBits, readSafetensors, tensor } from '@transformer-kit/tensor';
import { isCausalLM, loadGguf, loadLlama2c, modelFromConfig, readLlama2c, safetensorsWeights, type CausalLM } from '../src/index';
import { loadModelFromPath } from '../src/node/index';
import { expectClose } from './close';
import { haveShared, readShared, shared } from './shared-data';
import { writeSafetensors } from './write-safetensors';

const temp = mkdtempSync(join(tmpdir(), 'tk-loaders-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function logitsOf(model: CausalLM, ids: number[]): Promise<Float32Array> {
  const { logits } = model.forward(tensor(Int32Array.from(ids), [1, ids.length], 'int32'));
  return (await logits.data()) as Float32Array;
}

const STORIES = ['models/stories260K/stories260K.bin', 'models/stories260K/stories260K.gguf', 'models/stories260K/tok512.bin'];

describe.runIf(haveShared(...STORIES))('stories260K in two formats', () => {
  it('gives bit-identical logits from the .bin and the .gguf', async () => {
    const fromBin = loadLlama2c(readShared(STORIES[0])).model as CausalLM;
    const fromGguf = loadGguf(readShared(STORIES[1])).model as CausalLM;
    const ids = [1, 403, 407, 261, 378, 39, 9, 5, 17];
    const a = await logitsOf(fromBin, ids);
    const b = await logitsOf(fromGguf, ids);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('finds tok512.bin beside the .bin and reads the GGUF tokenizer from its metadata', async () => {
    const bin = await loadModelFromPath(shared(STORIES[0]).path);
    const gguf = await loadModelFromPath(shared(STORIES[1]).path);
    expect(bin.tokenizer!.encode('Once upon a time')).toEqual(gguf.tokenizer!.encode('Once upon a time'));
    expect(bin.tokenizer!.encode('Once upon a time')[0]).toBe(1);
  });

  it('rejects a truncated .bin with the sizes it expected', () => {
    const bytes = readShared(STORIES[0]);
    expect(() => readLlama2c(bytes.subarray(0, bytes.length - 10), 'stories260K.bin')).toThrow(/stories260K\.bin: file is truncated: .* needs 1056540 bytes but the file has 1056530/);
    expect(() => readLlama2c(bytes.subarray(0, 20))).toThrow(/truncated/);
  });
});

describe.runIf(haveShared('fixtures/models/llama-tiny/model.safetensors'))('Hugging Face folders', () => {
  const fixture = (name: string) => shared(`fixtures/models/${name}`).path;

  it('loads gpt2-tiny, llama-tiny and bert-tiny folders, choosing the class from model_type', async () => {
    for (const [name, family] of [['gpt2-tiny', 'gpt2'], ['llama-tiny', 'llama'], ['bert-tiny', 'bert']]) {
      const { model, format } = await loadModelFromPath(fixture(name));
      expect(format).toBe('huggingface');
      expect(model.family).toBe(family);
    }
  });

  it('loads a sharded checkpoint (model.safetensors.index.json) to the same logits', async () => {
    const src = readSafetensors(readFileSync(join(fixture('llama-tiny'), 'model.safetensors')));
    const dir = join(temp, 'sharded');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    copyFileSync(join(fixture('llama-tiny'), 'config.json'), join(dir, 'config.json'));
    const shards: Record<string, Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }>> = { 'model-00001-of-00002.safetensors': {}, 'model-00002-of-00002.safetensors': {} };
    const weightMap: Record<string, string> = {};
    src.names.forEach((n, i) => {
      const file = i % 2 === 0 ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors';
      shards[file][n] = { dtype: 'F32', shape: [...src.entry(n)!.shape], data: src.read(n) as Float32Array };
      weightMap[n] = file;
    });
    for (const [file, tensors] of Object.entries(shards)) writeFileSync(join(dir, file), writeSafetensors(tensors, { format: 'pt' }));
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    const expected = readSafetensors(readFileSync(join(fixture('llama-tiny'), 'expected.safetensors')));
    const { model } = await loadModelFromPath(dir);
    expectClose(await logitsOf(model as CausalLM, Array.from(expected.read('input_ids'))), expected.read('logits'), 1e-4, 'sharded logits');
  });

  it('keeps F16 and BF16 matrices 16-bit (packed weights) and computes the same logits as their float32 widening', async () => {
    const src = readSafetensors(readFileSync(join(fixture('llama-tiny'), 'model.safetensors')));
    const config = JSON.parse(readFileSync(join(fixture('llama-tiny'), 'config.json'), 'utf8'));
    const expected = readSafetensors(readFileSync(join(fixture('llama-tiny'), 'expected.safetensors')));
    const ids = Array.from(expected.read('input_ids'));
    for (const [dtype, toBits] of [['F16', (v: number) => floatToHalfBits(v)], ['BF16', (v: number) => new Uint32Array(new Float32Array([v]).buffer)[0] >>> 16]] as const) {
      const half: Record<string, { dtype: 'F16' | 'BF16'; shape: number[]; data: Uint16Array }> = {};
      const widened: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
      for (const n of src.names) {
        const bits = Uint16Array.from(src.read(n) as Float32Array, toBits);
        half[n] = { dtype, shape: [...src.entry(n)!.shape], data: bits };
        widened[n] = { dtype: 'F32', shape: [...src.entry(n)!.shape], data: dtype === 'F16' ? float16ToFloat32(bits) : bfloat16ToFloat32(bits) };
      }
      const packed = safetensorsWeights({ 'model.safetensors': writeSafetensors(half) });
      expect(packed.get('model.layers.0.self_attn.q_proj.weight').packed?.dtype).toBe(dtype === 'F16' ? 'float16' : 'bfloat16');
      const a = modelFromConfig(config, packed).model as CausalLM;
      const b = modelFromConfig(config, safetensorsWeights({ 'model.safetensors': writeSafetensors(widened) })).model as CausalLM;
      expectClose(await logitsOf(a, ids), await logitsOf(b, ids), 1e-4, `${dtype} packed vs widened logits`);
    }
  });

  it('names an unsupported model_type (listing the supported ones) and a missing tensor', () => {
    const weights = safetensorsWeights({ 'model.safetensors': readFileSync(join(fixture('llama-tiny'), 'model.safetensors')) });
    expect(() => modelFromConfig({ model_type: 't5' }, weights)).toThrow(/model_type "t5" is not supported \(supported: llama, gpt2, bert, qwen2, qwen3, phi3, gemma, gemma2\)/);
    const config = JSON.parse(readFileSync(join(fixture('llama-tiny'), 'config.json'), 'utf8'));
    expect(() => modelFromConfig({ ...config, num_hidden_layers: 3 }, weights)).toThrow(/missing tensor 'model\.layers\.2\.self_attn\.q_proj\.weight'/);
    expect(() => modelFromConfig({ ...config, hidden_size: 48 }, weights)).toThrow(/tensor 'model\.embed_tokens\.weight' has shape \[89, 32\] but the config implies \[89, 48\]/);
  });
});

describe('safetensors dtypes', () => {
  it('widens F16 and BF16 tensors to float32', () => {
    // 1.5, -2, 65504 (max half), 2^-24 (smallest subnormal half)
    const f16 = new Uint16Array([0x3e00, 0xc000, 0x7bff, 0x0001]);
    // BF16 is the top half of a float32: 1.5, -2, 3.140625
    const bf16 = new Uint16Array([0x3fc0, 0xc000, 0x4049]);
    const bytes = writeSafetensors({ a: { dtype: 'F16', shape: [4], data: f16 }, b: { dtype: 'BF16', shape: [3], data: bf16 } }, { format: 'pt' });
    const w = safetensorsWeights({ 'model.safetensors': bytes });
    expect(Array.from(w.get('a').data)).toEqual([1.5, -2, 65504, 2 ** -24]);
    expect(Array.from(w.get('b').data)).toEqual([1.5, -2, 3.140625]);
    expect(isCausalLM).toBeTypeOf('function');
  });
});
