/**
 * The hyperparameters every decoder family shares, read from GGUF metadata (`<arch>.embedding_length`, ...)
 * or from config.json (`hidden_size`, ...). Each family's file adds its own keys on top.
 */
import type { DecoderConfig, DecoderFamily } from '../../models/decoder-config';
import type { GgufFile } from '@transformer-kit/tensor';
import { ropeFrequencyFactorsFromGguf } from '../rope-frequency-factors-from-gguf';
import { ropeFromHf } from '../../models/rope-scaling-from-hf';

/** A reader of numbers that names the key, the value and the rule when one is missing or malformed. */
export type NumberReader = (key: string, fallback?: number) => number;

/**
 * `<arch>.*` numbers of a GGUF file.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { ggufNumbers, readGguf } from '@transformer-kit/transformer';
 * const num = ggufNumbers(readGguf(readFileSync('../shared/models/families/gemma2-tiny.gguf')), 'gemma2.tiny');
 * console.log(num('attention.sliding_window'), num('rope.freq_base', 10000)); // 16 10000
 * ```
 */
export function ggufNumbers(gguf: GgufFile, origin: string): NumberReader {
  const arch = String(gguf.metadata['general.architecture']);
  return (key, fallback) => {
    const v = gguf.metadata[`${arch}.${key}`];
    if (typeof v === 'number') return v;
    if (v === undefined && fallback !== undefined) return fallback;
    throw new Error(`${origin}: metadata '${arch}.${key}' ${v === undefined ? 'is missing' : `must be a number, got ${JSON.stringify(v).slice(0, 60)}`}`);
  };
}

/**
 * Numbers of a config.json; `null` counts as absent (Gemma 2 writes `"final_logit_softcapping": null`).
 *
 * @example
 * ```ts
 * import { hfNumbers } from '@transformer-kit/transformer';
 * const num = hfNumbers({ hidden_size: 64, sliding_window: null }, 'qwen2');
 * console.log(num('hidden_size'), num('sliding_window', 0)); // 64 0
 * ```
 */
export function hfNumbers(json: Record<string, unknown>, family: string): NumberReader {
  return (key, fallback) => {
    const v = json[key];
    if (typeof v === 'number') return v;
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    throw new Error(`config.json: ${family} needs a number '${key}'${v === undefined || v === null ? '' : `, got ${JSON.stringify(v).slice(0, 60)}`}`);
  };
}

/**
 * The shared part of a family's config from GGUF: sizes, norm epsilon, RoPE (rotating halves, ggml's NEOX
 * mode, which every family here uses) and whether `output.weight` exists.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { decoderConfigFromGguf, readGguf } from '@transformer-kit/transformer';
 * const c = decoderConfigFromGguf(readGguf(readFileSync('../shared/models/families/gemma-tiny.gguf')), 'gemma', 'gemma-tiny.gguf');
 * console.log(c.dim, c.heads, c.headDim, c.tiedEmbeddings); // 128 4 48 true
 * ```
 */
export function decoderConfigFromGguf(gguf: GgufFile, family: DecoderFamily, origin: string): DecoderConfig {
  const num = ggufNumbers(gguf, origin);
  const embed = gguf.info('token_embd.weight');
  if (!embed) throw new Error(`${origin}: missing tensor 'token_embd.weight'`);
  const dim = num('embedding_length');
  const heads = num('attention.head_count');
  const headDim = num('attention.key_length', dim / heads);
  const valueDim = num('attention.value_length', headDim);
  if (valueDim !== headDim) throw new Error(`${origin}: attention.value_length ${valueDim} differs from attention.key_length ${headDim} (not supported)`);
  const rotaryDim = num('rope.dimension_count', headDim);
  // llama.cpp's graphs for these families read no rope_freqs: this refuses it, and any rope.scaling.type
  ropeFrequencyFactorsFromGguf(gguf, origin, rotaryDim / 2);
  return {
    family,
    dim,
    hiddenDim: num('feed_forward_length'),
    layers: num('block_count'),
    heads,
    kvHeads: num('attention.head_count_kv', heads),
    headDim,
    ...(rotaryDim !== headDim ? { rotaryDim } : {}),
    vocabSize: embed.shape[0],
    maxSeqLen: num('context_length', 2048),
    normEps: num('attention.layer_norm_rms_epsilon', 1e-6),
    ropeTheta: num('rope.freq_base', 10000),
    ropeLayout: 'halves',
    tiedEmbeddings: !gguf.info('output.weight'),
  };
}

/**
 * The shared part of a family's config from config.json. Hugging Face checkpoints rotate halves.
 *
 * @example
 * ```ts
 * import { decoderConfigFromHf } from '@transformer-kit/transformer';
 * const c = decoderConfigFromHf({ hidden_size: 128, intermediate_size: 256, num_hidden_layers: 3, num_attention_heads: 4,
 *   num_key_value_heads: 2, head_dim: 48, vocab_size: 512 }, 'gemma', true);
 * console.log(c.headDim, c.kvHeads, c.tiedEmbeddings, c.ropeLayout); // 48 2 true halves
 * ```
 */
export function decoderConfigFromHf(json: Record<string, unknown>, family: DecoderFamily, tiedByDefault: boolean): DecoderConfig {
  const num = hfNumbers(json, family);
  const dim = num('hidden_size');
  const heads = num('num_attention_heads');
  const headDim = num('head_dim', dim / heads);
  const partial = num('partial_rotary_factor', 1);
  const rotaryDim = Math.round(headDim * partial);
  return {
    family,
    dim,
    hiddenDim: num('intermediate_size'),
    layers: num('num_hidden_layers'),
    heads,
    kvHeads: num('num_key_value_heads', heads),
    headDim,
    ...(partial !== 1 ? { rotaryDim } : {}),
    vocabSize: num('vocab_size'),
    maxSeqLen: num('max_position_embeddings', 2048),
    normEps: num('rms_norm_eps', 1e-6),
    ...ropeFromHf(json, rotaryDim),
    ropeLayout: 'halves',
    tiedEmbeddings: typeof json.tie_word_embeddings === 'boolean' ? json.tie_word_embeddings : tiedByDefault,
  };
}
