/**
 * A Llama checkpoint out of a GGUF file: hyperparameters from `llama.*` metadata, tensors renamed from
 * ggml's names (`blk.0.attn_q.weight`) to Hugging Face's (`model.layers.0.self_attn.q_proj.weight`).
 *
 * NOTE: llama.cpp's converter permutes Hugging Face's q/k rows so that RoPE rotates adjacent pairs (ggml's
 * "normal" rope mode); llama2.c checkpoints are already in that order. Either way a GGUF Llama is
 * 'interleaved', and stories260K.gguf holds exactly the rows of stories260K.bin (a test checks it).
 */
import type { LlamaConfig } from '../models/llama-config';
import { readGguf, type GgufFile, type GgufValue } from '@transformer-kit/tensor';
import { GGUF_LAYER_NAMES } from './families/gguf-tensor-names';
import { ggufWeight } from './gguf-weight';
import { ropeFrequencyFactorsFromGguf } from './rope-frequency-factors-from-gguf';
import { weightSource, type HostTensor, type WeightSource } from './weight-source';

/** A GGUF Llama: its config, weights, and the raw file (whose metadata holds the tokenizer). */
export interface GgufLlamaCheckpoint {
  readonly config: LlamaConfig;
  readonly weights: WeightSource;
  readonly gguf: GgufFile;
}

/**
 * Reads a Llama-architecture GGUF (or takes an already parsed one).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { readGgufLlama, LlamaModel } from '@transformer-kit/transformer';
 * const { config, weights } = readGgufLlama(readFileSync('../shared/models/stories260K/stories260K.gguf'));
 * const model = new LlamaModel(config, weights);
 * console.log(config.dim, config.layers, config.heads, config.kvHeads, config.ropeLayout); // 64 5 8 4 interleaved
 * ```
 */
export function readGgufLlama(source: ArrayBuffer | ArrayBufferView | GgufFile, origin = 'GGUF file'): GgufLlamaCheckpoint {
  const gguf = 'metadata' in source && 'tensors' in source ? (source as GgufFile) : readGguf(source as ArrayBuffer);
  const meta = gguf.metadata;
  const arch = meta['general.architecture'];
  if (arch !== 'llama') throw new Error(`${origin}: architecture '${String(arch)}' is not supported (supported: llama)`);
  const num = (key: string, fallback?: number): number => {
    const v: GgufValue | undefined = meta[`llama.${key}`];
    if (typeof v === 'number') return v;
    if (fallback !== undefined) return fallback;
    throw new Error(`${origin}: metadata 'llama.${key}' is missing`);
  };
  const dim = num('embedding_length');
  const heads = num('attention.head_count');
  const layers = num('block_count');
  const embed = gguf.info('token_embd.weight');
  if (!embed) throw new Error(`${origin}: missing tensor 'token_embd.weight'`);
  const tied = !gguf.info('output.weight');
  // Llama 3.1+ stores its RoPE scaling as per-pair divisors; ignoring them would give silently wrong logits.
  const ropeFrequencyFactors = ropeFrequencyFactorsFromGguf(gguf, origin, num('rope.dimension_count', dim / heads) / 2);
  const config: LlamaConfig = {
    dim,
    hiddenDim: num('feed_forward_length'),
    layers,
    heads,
    kvHeads: num('attention.head_count_kv', heads),
    vocabSize: embed.shape[0],
    maxSeqLen: num('context_length', 2048),
    normEps: num('attention.layer_norm_rms_epsilon', 1e-5),
    ropeTheta: num('rope.freq_base', 10000),
    ...(ropeFrequencyFactors ? { ropeFrequencyFactors } : {}),
    ropeLayout: 'interleaved',
    tiedEmbeddings: tied,
  };
  const read = (name: string) => (): HostTensor => ggufWeight(gguf, name);
  const entries: Record<string, () => HostTensor> = {};
  for (const t of gguf.tensors) {
    const m = /^blk\.(\d+)\.(\w+)\.weight$/.exec(t.name);
    if (m && GGUF_LAYER_NAMES[m[2]]) entries[`model.layers.${m[1]}.${GGUF_LAYER_NAMES[m[2]]}.weight`] = read(t.name);
  }
  entries['model.embed_tokens.weight'] = read('token_embd.weight');
  if (gguf.info('output_norm.weight')) entries['model.norm.weight'] = read('output_norm.weight');
  if (!tied) entries['lm_head.weight'] = read('output.weight');
  return { config, weights: weightSource(origin, entries), gguf };
}
