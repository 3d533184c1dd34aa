/**
 * llama2.c's checkpoint format (`run.c`): seven little-endian int32 — dim, hidden_dim, n_layers, n_heads,
 * n_kv_heads, vocab_size, seq_len — then float32 weights in this order: token embedding [vocab, dim],
 * rms_att [layers, dim], wq [layers, dim, dim], wk/wv [layers, kvDim, dim], wo [layers, dim, dim],
 * rms_ffn [layers, dim], w1 [layers, hidden, dim], w2 [layers, dim, hidden], w3 [layers, hidden, dim],
 * rms_final [dim], two unused RoPE tables of seq_len·headSize/2 floats each, and, when vocab_size is
 * negative, an unshared classifier [vocab, dim]. Matrices are [out, in] like PyTorch's.
 *
 * The weights are renamed into Hugging Face's Llama names; q/k rows stay in llama2.c's order, which is
 * rotated in interleaved pairs (the config says `ropeLayout: 'interleaved'`).
 */
import { validateLlamaConfig, type LlamaFieldNames } from '../models/config-rules';
import type { LlamaConfig } from '../models/llama-config';
import { weightSource, type HostTensor, type WeightSource } from './weight-source';

/** How llama2.c's header (run.c's Config) names the fields. */
const LLAMA2C_FIELDS: LlamaFieldNames = { dim: 'dim', hiddenDim: 'hidden_dim', layers: 'n_layers', heads: 'n_heads', kvHeads: 'n_kv_heads', vocabSize: 'vocab_size', maxSeqLen: 'seq_len' };

/** What a llama2.c `.bin` holds. */
export interface Llama2cCheckpoint {
  readonly config: LlamaConfig;
  readonly weights: WeightSource;
}

/**
 * Parses a llama2.c `.bin` checkpoint. The file must have exactly the size its header implies (shorter is
 * truncated, longer means the header lies), and the header follows the shared config rules.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { readLlama2c, LlamaModel } from '@transformer-kit/transformer';
 * const { config, weights } = readLlama2c(readFileSync('../shared/models/stories260K/stories260K.bin'));
 * const model = new LlamaModel(config, weights);
 * console.log(config.dim, config.layers, config.heads, config.kvHeads, model.maxSeqLen); // 64 5 8 4 512
 * ```
 */
export function readLlama2c(bytes: ArrayBuffer | ArrayBufferView, origin = 'llama2.c checkpoint'): Llama2cCheckpoint {
  const u8 = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (u8.byteLength < 28) throw new Error(`${origin}: file is truncated: ${u8.byteLength} bytes, the 28-byte header needs more`);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const [dim, hidden, layers, heads, kvHeads, signedVocab, seqLen] = Array.from({ length: 7 }, (_, i) => view.getInt32(4 * i, true));
  const shared = signedVocab > 0;
  const vocab = Math.abs(signedVocab);
  for (const [name, v] of Object.entries({ dim, hidden_dim: hidden, n_layers: layers, n_heads: heads, n_kv_heads: kvHeads, vocab_size: vocab, seq_len: seqLen })) {
    if (!(v > 0)) throw new Error(`${origin}: header field ${name} = ${v} must be positive: is this a llama2.c .bin?`);
  }
  // The shared rules (heads dividing dim, kv heads dividing heads, an even head size, seq_len ≤ 2^20).
  validateLlamaConfig({ dim, hiddenDim: hidden, layers, heads, kvHeads, vocabSize: vocab, maxSeqLen: seqLen, normEps: 1e-5, ropeTheta: 10000, ropeLayout: 'interleaved', tiedEmbeddings: shared }, origin, LLAMA2C_FIELDS);
  const headDim = dim / heads;
  const kvDim = kvHeads * headDim;
  let offset = 28;
  const take = (shape: number[]): { offset: number; shape: number[] } => {
    const at = offset;
    offset += 4 * shape.reduce((a, b) => a * b, 1);
    return { offset: at, shape };
  };
  const embed = take([vocab, dim]);
  const rmsAtt = take([layers, dim]);
  const wq = take([layers, dim, dim]);
  const wk = take([layers, kvDim, dim]);
  const wv = take([layers, kvDim, dim]);
  const wo = take([layers, dim, dim]);
  const rmsFfn = take([layers, dim]);
  const w1 = take([layers, hidden, dim]);
  const w2 = take([layers, dim, hidden]);
  const w3 = take([layers, hidden, dim]);
  const rmsFinal = take([dim]);
  take([seqLen, headDim / 2]); // freq_cis_real: unused (RoPE is recomputed)
  take([seqLen, headDim / 2]); // freq_cis_imag
  const cls = shared ? embed : take([vocab, dim]);
  const described = `the header (dim ${dim}, hidden_dim ${hidden}, ${layers} layers, ${heads} heads, ${kvHeads} kv heads, vocab ${vocab}, seq_len ${seqLen}${shared ? ', shared classifier' : ', unshared classifier'})`;
  if (offset > u8.byteLength) {
    throw new Error(`${origin}: file is truncated: ${described} needs ${offset} bytes but the file has ${u8.byteLength}`);
  }
  if (offset < u8.byteLength) {
    // NOTE: run.c never checks; a header that needs fewer bytes than the file holds (a lying n_layers or dim)
    // would read every weight from the wrong place. The only legal size is the exact one.
    const other = shared && u8.byteLength === offset + 4 * vocab * dim ? ': the extra bytes are exactly an unshared classifier, so vocab_size should be negative' : '';
    throw new Error(`${origin}: ${described} implies exactly ${offset} bytes but the file has ${u8.byteLength} (${u8.byteLength - offset} bytes too many${other})`);
  }
  const read = (block: { offset: number; shape: number[] }, index?: number): HostTensor => {
    const shape = index === undefined ? block.shape : block.shape.slice(1);
    const n = shape.reduce((a, b) => a * b, 1);
    const start = block.offset + (index ?? 0) * 4 * n;
    // NOTE: slice copies into an aligned buffer (the file's float data may sit at any byte offset).
    return { data: new Float32Array(u8.slice(start, start + 4 * n).buffer), shape };
  };
  const entries: Record<string, () => HostTensor> = {
    'model.embed_tokens.weight': () => read(embed),
    'model.norm.weight': () => read(rmsFinal),
    'lm_head.weight': () => read(cls),
  };
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}.`;
    entries[`${p}input_layernorm.weight`] = () => read(rmsAtt, l);
    entries[`${p}self_attn.q_proj.weight`] = () => read(wq, l);
    entries[`${p}self_attn.k_proj.weight`] = () => read(wk, l);
    entries[`${p}self_attn.v_proj.weight`] = () => read(wv, l);
    entries[`${p}self_attn.o_proj.weight`] = () => read(wo, l);
    entries[`${p}post_attention_layernorm.weight`] = () => read(rmsFfn, l);
    entries[`${p}mlp.gate_proj.weight`] = () => read(w1, l);
    entries[`${p}mlp.down_proj.weight`] = () => read(w2, l);
    entries[`${p}mlp.up_proj.weight`] = () => read(w3, l);
  }
  const config: LlamaConfig = {
    dim,
    hiddenDim: hidden,
    layers,
    heads,
    kvHeads,
    vocabSize: vocab,
    maxSeqLen: seqLen,
    // NOTE: run.c adds the float literal 1e-5f; the float32 value makes .bin and .gguf logits bit-identical.
    normEps: Math.fround(1e-5),
    ropeTheta: 10000,
    ropeLayout: 'interleaved',
    tiedEmbeddings: shared,
  };
  return { config, weights: weightSource(origin, entries) };
}
