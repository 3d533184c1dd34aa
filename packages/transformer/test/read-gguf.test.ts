import { describe, expect, it } from 'vitest';
import { readGguf, readGgufLlama, readLlama2c, type GgufFile } from '../src/index';
import { haveShared, readShared } from './shared-data';

const GGUF = 'models/stories260K/stories260K.gguf';
const BIN = 'models/stories260K/stories260K.bin';
const available = haveShared(GGUF, BIN);

describe.runIf(available)('readGguf on stories260K.gguf', () => {
  it('reads v3 metadata and tensor infos with row-major shapes', () => {
    const gguf = readGguf(readShared(GGUF));
    expect(gguf.version).toBe(3);
    expect(gguf.metadata['general.architecture']).toBe('llama');
    expect(gguf.metadata['llama.embedding_length']).toBe(64);
    expect(gguf.metadata['llama.attention.head_count_kv']).toBe(4);
    expect((gguf.metadata['tokenizer.ggml.tokens'] as string[]).length).toBe(512);
    expect(gguf.info('token_embd.weight')!.shape).toEqual([512, 64]);
    expect(gguf.info('blk.0.attn_k.weight')!.shape).toEqual([32, 64]);
    expect(gguf.info('blk.0.ffn_down.weight')!.shape).toEqual([64, 172]);
  });

  it('holds exactly the weights of stories260K.bin (so no q/k permutation is needed)', () => {
    const fromGguf = readGgufLlama(readShared(GGUF)).weights;
    const fromBin = readLlama2c(readShared(BIN)).weights;
    for (const name of fromBin.names) {
      if (name === 'lm_head.weight') continue; // tied in the .bin; the GGUF stores a copy
      const a = fromGguf.get(name);
      const b = fromBin.get(name);
      expect(a.shape, name).toEqual(b.shape);
      expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer)), name).toBe(true);
    }
    expect(Buffer.from(fromGguf.get('lm_head.weight').data.buffer).equals(Buffer.from(fromBin.get('model.embed_tokens.weight').data.buffer))).toBe(true);
  });
});

describe('readGguf errors', () => {
  it('rejects a file that is not GGUF, a v1 file and a truncated file', () => {
    expect(() => readGguf(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/not a GGUF file/);
    const v1 = new Uint8Array(24);
    v1.set([0x47, 0x47, 0x55, 0x46, 1, 0, 0, 0]);
    expect(() => readGguf(v1)).toThrow(/version 1 is not supported/);
    const v3 = new Uint8Array(10);
    v3.set([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0]);
    expect(() => readGguf(v3)).toThrow(/truncated/);
  });

  it.runIf(available)('names a truncated tensor', () => {
    const bytes = readShared(GGUF);
    expect(() => readGguf(bytes.subarray(0, bytes.length - 100))).toThrow(/truncated: tensor 'blk\.4\.ffn_norm\.weight'/);
  });
});

describe.runIf(available)('GGUF Llama metadata (Llama 3 / SmolLM2 go through the same reader)', () => {
  // stories260K.gguf with some metadata and tensors changed, as a Llama 3 or SmolLM2 file would have them
  const edited = (meta: Record<string, unknown>, drop: string[] = [], extra: string[] = []) => {
    const gguf = readGguf(readShared(GGUF));
    const tensors = gguf.tensors.filter((t) => !drop.includes(t.name)).concat(extra.map((name) => ({ ...gguf.tensors[0], name })));
    return { ...gguf, metadata: { ...gguf.metadata, ...meta }, tensors, info: (name: string) => (drop.includes(name) ? undefined : extra.includes(name) ? gguf.tensors[0] : gguf.info(name)) } as GgufFile;
  };

  it('reads θ from llama.rope.freq_base, grouped-query heads, and a tied head when output.weight is absent', () => {
    const { config } = readGgufLlama(edited({ 'llama.rope.freq_base': 500000 }, ['output.weight']));
    expect(config).toMatchObject({ ropeTheta: 500000, heads: 8, kvHeads: 4, tiedEmbeddings: true });
    expect(readGgufLlama(readShared(GGUF)).config).toMatchObject({ ropeTheta: 10000, tiedEmbeddings: false });
  });

  it('refuses a RoPE scaling type it does not implement instead of computing wrong logits', () => {
    expect(() => readGgufLlama(edited({ 'llama.rope.scaling.type': 'linear' }), 'CodeLlama.gguf')).toThrow(
      "CodeLlama.gguf: RoPE scaling 'linear' (llama.rope.scaling.type) is not supported (supported: none, or Llama 3.1's 'rope_freqs.weight')",
    );
  });
});
