// r42m as F32 and Q8_0 GGUF files, made here: the f32 weights from the same generator ../shared/models/r42m
// was made from (bench/random-llama2c.mjs, seed 1337), the metadata (tokenizer included) of
// r42m-Q4_K_M.gguf, Q8_0 blocks from @transformer-kit/tensor's quantizeQ8_0 (ggml's reference rounding), Q4_0
// blocks from its quantizeQ4_0 (ggml's quantize_row_q4_0_ref rounding).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantizeQ4_0, quantizeQ8_0, readGguf, writeGguf } from '@transformer-kit/tensor';
import { randomLlama2cBin } from './random-llama2c.mjs';

export const R42M = { dim: 512, hidden: 1536, layers: 8, heads: 8, kvHeads: 4, vocab: 32000, seqLen: 512 };

/** The llama2.c arrays of r42m by GGUF tensor name, as Float32Array views. */
function r42mTensors() {
  const { bytes } = randomLlama2cBin(R42M, 1337);
  const { dim, hidden, layers, vocab } = R42M;
  const kvDim = (dim / R42M.heads) * R42M.kvHeads;
  const w = new Float32Array(bytes.buffer, 28);
  let at = 0;
  const take = (n) => w.subarray(at, (at += n));
  const embed = take(vocab * dim);
  const per = (n) => Array.from({ length: layers }, () => take(n));
  const attnNorm = per(dim), wq = per(dim * dim), wk = per(kvDim * dim), wv = per(kvDim * dim), wo = per(dim * dim);
  const ffnNorm = per(dim), w1 = per(hidden * dim), w2 = per(dim * hidden), w3 = per(hidden * dim);
  const outNorm = take(dim);
  const byName = new Map([['token_embd.weight', embed], ['output_norm.weight', outNorm], ['output.weight', embed]]);
  for (let l = 0; l < layers; l++) {
    for (const [n, t] of [['attn_norm', attnNorm], ['attn_q', wq], ['attn_k', wk], ['attn_v', wv], ['attn_output', wo], ['ffn_norm', ffnNorm], ['ffn_gate', w1], ['ffn_down', w2], ['ffn_up', w3]]) {
      byName.set(`blk.${l}.${n}.weight`, t[l]);
    }
  }
  return byName;
}

const ARRAY_TYPES = { 'tokenizer.ggml.tokens': 8, 'tokenizer.ggml.scores': 6, 'tokenizer.ggml.token_type': 5, 'tokenizer.ggml.merges': 8 };

/** Writes (once) r42m-F32.gguf, r42m-Q8_0.gguf and r42m-Q4_0.gguf beside each other in a temporary folder; returns their paths. */
export function r42mGgufs(q4kmPath) {
  const dir = join(tmpdir(), 'transformer-kit-bench');
  mkdirSync(dir, { recursive: true });
  const paths = { F32: join(dir, 'r42m-F32.gguf'), Q8_0: join(dir, 'r42m-Q8_0.gguf'), Q4_0: join(dir, 'r42m-Q4_0.gguf') };
  if (Object.values(paths).every((p) => existsSync(p))) return paths;
  const source = readGguf(readFileSync(q4kmPath));
  const tensors = r42mTensors();
  // the mapping is checked, not assumed: the Q4_K_M file's blk.0.attn_q decodes to within Q4_K's error of ours
  const q = source.read('blk.0.attn_q.weight');
  const ours = tensors.get('blk.0.attn_q.weight');
  let worst = 0;
  for (let i = 0; i < q.length; i++) worst = Math.max(worst, Math.abs(q[i] - ours[i]));
  if (!(worst < 0.02)) throw new Error(`r42m weights do not match r42m-Q4_K_M.gguf (blk.0.attn_q max diff ${worst})`);
  for (const [type, fileType] of [['F32', 0], ['Q8_0', 7], ['Q4_0', 2]]) {
    const metadata = {};
    for (const [key, value] of Object.entries(source.metadata)) {
      const t = source.metadataTypes[key];
      metadata[key] = key === 'general.file_type' ? { type: 4, value: fileType } : { type: t, value, elementType: ARRAY_TYPES[key] };
    }
    const out = source.tensors.map((info) => {
      const values = tensors.get(info.name);
      if (!values || values.length !== info.shape.reduce((a, b) => a * b, 1)) throw new Error(`r42m: no f32 values for ${info.name}`);
      if (type === 'F32' || info.shape.length !== 2) return { name: info.name, shape: info.shape, type: 0, data: new Uint8Array(values.slice().buffer) };
      return type === 'Q8_0' ? { name: info.name, shape: info.shape, type: 8, data: quantizeQ8_0(values) } : { name: info.name, shape: info.shape, type: 2, data: quantizeQ4_0(values) };
    });
    writeFileSync(paths[type], writeGguf({ metadata, tensors: out }));
  }
  return paths;
}
