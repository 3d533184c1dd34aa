// A llama2.c checkpoint (+ its tokenizer.bin) as an F32 GGUF that llama.cpp loads as a llama model, for the
// benches that run llama.cpp (node-llama-cpp) on the same weights as ours.
// What llama.cpp's own converter (llama-convert-llama2c-to-ggml) writes, and what ../shared's stories260K.gguf
// (ggml-org's conversion of stories260K.bin, "bit-identical" weights) holds:
//  - tensor names token_embd / blk.N.{attn_q,attn_k,attn_v,attn_output,attn_norm,ffn_gate,ffn_down,ffn_up,
//    ffn_norm} / output_norm / output, the same row-major [out, in] layout as llama2.c;
//  - NO q/k row permutation: llama2.c keeps Meta's layout (RoPE over adjacent pairs), which is what a llama GGUF
//    holds (convert_hf_to_gguf permutes Hugging Face's halves layout back to it). checkAgainstReference() shows it
//    on stories260K: our blk.N.attn_q/attn_k bytes equal those of ggml-org's file;
//  - the tokenizer as tokenizer.ggml.{model "llama", tokens with '▁' for spaces, scores, token_type}.
import { readGguf, writeGguf } from '@transformer-kit/tensor';

const UINT32 = 4;
const INT32 = 5;
const FLOAT32 = 6;
const STRING = 8;
// llama.cpp's token types
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const BYTE = 6;

/** llama2.c's tokenizer.bin: max token length, then per token: float score, int32 length, bytes. */
export function readLlama2cTokenizer(bytes, vocab) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const tokens = [];
  const scores = [];
  let at = 4;
  for (let i = 0; i < vocab; i++) {
    if (at + 8 > bytes.byteLength) throw new Error(`tokenizer.bin: ends at token ${i} of ${vocab} (byte ${at} of ${bytes.byteLength})`);
    scores.push(view.getFloat32(at, true));
    const length = view.getInt32(at + 4, true);
    at += 8;
    if (length < 0 || at + length > bytes.byteLength) throw new Error(`tokenizer.bin: token ${i} has length ${length} past the end`);
    tokens.push(decoder.decode(bytes.subarray(at, at + length)));
    at += length;
  }
  return { tokens, scores };
}

/** The config of a llama2.c .bin header and its weights as Float32Array views by GGUF tensor name. */
export function llama2cTensors(binBytes) {
  const header = new Int32Array(binBytes.buffer.slice(binBytes.byteOffset, binBytes.byteOffset + 28));
  const [dim, hidden, layers, heads, kvHeads, signedVocab, seqLen] = header;
  const vocab = Math.abs(signedVocab);
  const tied = signedVocab > 0; // llama2.c: a negative vocab size means a separate classifier follows
  const headDim = dim / heads;
  const kvDim = kvHeads * headDim;
  if (binBytes.byteOffset % 4 !== 0) binBytes = binBytes.slice();
  const w = new Float32Array(binBytes.buffer, binBytes.byteOffset + 28, (binBytes.byteLength - 28) / 4);
  let at = 0;
  const take = (n) => {
    if (at + n > w.length) throw new Error(`llama2.c checkpoint: ${w.length} floats, fewer than its header (dim ${dim}, ${layers} layers, vocab ${vocab}) needs`);
    return w.subarray(at, (at += n));
  };
  const per = (n) => Array.from({ length: layers }, () => take(n));
  const embed = take(vocab * dim);
  const attnNorm = per(dim), wq = per(dim * dim), wk = per(kvDim * dim), wv = per(kvDim * dim), wo = per(dim * dim);
  const ffnNorm = per(dim), w1 = per(hidden * dim), w2 = per(dim * hidden), w3 = per(hidden * dim);
  const outNorm = take(dim);
  take(seqLen * headDim); // freq_cis_real and freq_cis_imag (RoPE tables; llama.cpp computes its own)
  const output = tied ? embed : take(vocab * dim);
  const shapes = { attn_norm: [dim], attn_q: [dim, dim], attn_k: [kvDim, dim], attn_v: [kvDim, dim], attn_output: [dim, dim], ffn_norm: [dim], ffn_gate: [hidden, dim], ffn_down: [dim, hidden], ffn_up: [hidden, dim] };
  const arrays = { attn_norm: attnNorm, attn_q: wq, attn_k: wk, attn_v: wv, attn_output: wo, ffn_norm: ffnNorm, ffn_gate: w1, ffn_down: w2, ffn_up: w3 };
  // the order llama.cpp's converter writes (and stories260K.gguf has)
  const tensors = [
    { name: 'token_embd.weight', shape: [vocab, dim], values: embed },
    { name: 'output_norm.weight', shape: [dim], values: outNorm },
    { name: 'output.weight', shape: [vocab, dim], values: output },
  ];
  for (let l = 0; l < layers; l++) {
    for (const n of ['attn_q', 'attn_k', 'attn_v', 'attn_output', 'attn_norm', 'ffn_gate', 'ffn_down', 'ffn_up', 'ffn_norm']) {
      tensors.push({ name: `blk.${l}.${n}.weight`, shape: shapes[n], values: arrays[n][l] });
    }
  }
  return { config: { dim, hidden, layers, heads, kvHeads, vocab, seqLen, tied }, tensors };
}

/** llama.cpp's token type of a llama2.c token (as its converter assigns them). */
function tokenType(id, text) {
  if (id === 0) return UNKNOWN;
  if (id === 1 || id === 2) return CONTROL;
  if (/^<0x[0-9A-F]{2}>$/.test(text)) return BYTE;
  return NORMAL;
}

/**
 * A llama2.c token as SentencePiece (and GGUF) spells it: llama2.c's export wrote '▁' as a space and the
 * control tokens as "\n<s>\n" / "\n</s>\n".
 */
function ggufPiece(text, id) {
  if (id < 3) return ['<unk>', '<s>', '</s>'][id];
  return text.replaceAll(' ', '▁');
}

/** An F32 llama GGUF of a llama2.c checkpoint and its tokenizer.bin (a Uint8Array). */
export function llama2cToGguf(binBytes, tokenizerBytes, name = 'llama') {
  const { config: c, tensors } = llama2cTensors(binBytes);
  const { tokens, scores } = readLlama2cTokenizer(tokenizerBytes, c.vocab);
  const metadata = {
    'general.architecture': 'llama',
    'general.name': name,
    'general.file_type': { type: UINT32, value: 0 }, // ALL_F32
    'llama.context_length': { type: UINT32, value: c.seqLen },
    'llama.embedding_length': { type: UINT32, value: c.dim },
    'llama.feed_forward_length': { type: UINT32, value: c.hidden },
    'llama.attention.head_count': { type: UINT32, value: c.heads },
    'llama.attention.head_count_kv': { type: UINT32, value: c.kvHeads },
    'llama.block_count': { type: UINT32, value: c.layers },
    'llama.rope.dimension_count': { type: UINT32, value: c.dim / c.heads },
    'llama.attention.layer_norm_rms_epsilon': { type: FLOAT32, value: 1e-5 },
    'tokenizer.ggml.model': 'llama',
    'tokenizer.ggml.tokens': { type: 9, elementType: STRING, value: tokens.map(ggufPiece) },
    'tokenizer.ggml.scores': { type: 9, elementType: FLOAT32, value: scores },
    'tokenizer.ggml.token_type': { type: 9, elementType: INT32, value: tokens.map((t, i) => tokenType(i, t)) },
    'tokenizer.ggml.unknown_token_id': { type: UINT32, value: 0 },
    'tokenizer.ggml.bos_token_id': { type: UINT32, value: 1 },
    'tokenizer.ggml.eos_token_id': { type: UINT32, value: 2 },
  };
  const out = tensors.map((t) => ({ name: t.name, shape: t.shape, type: 0, data: new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength) }));
  return { bytes: writeGguf({ metadata, tensors: out }), config: c };
}

/**
 * Reads a written GGUF back with our reader and checks every tensor's values equal the llama2.c arrays (and the
 * header fields llama.cpp reads); throws naming the first difference.
 */
export function checkGgufRoundTrip(ggufBytes, binBytes) {
  const g = readGguf(ggufBytes);
  const { config: c, tensors } = llama2cTensors(binBytes);
  const want = { 'llama.embedding_length': c.dim, 'llama.feed_forward_length': c.hidden, 'llama.block_count': c.layers, 'llama.attention.head_count': c.heads, 'llama.attention.head_count_kv': c.kvHeads };
  for (const [key, value] of Object.entries(want)) if (g.metadata[key] !== value) throw new Error(`GGUF ${key} is ${g.metadata[key]}, the checkpoint says ${value}`);
  if (g.metadata['tokenizer.ggml.tokens'].length !== c.vocab) throw new Error(`GGUF has ${g.metadata['tokenizer.ggml.tokens'].length} tokens, the checkpoint ${c.vocab}`);
  for (const t of tensors) {
    const values = g.read(t.name);
    if (values.length !== t.values.length) throw new Error(`GGUF ${t.name}: ${values.length} values, expected ${t.values.length}`);
    for (let i = 0; i < values.length; i++) {
      if (!Object.is(values[i], t.values[i])) throw new Error(`GGUF ${t.name}[${i}] = ${values[i]}, the checkpoint has ${t.values[i]}`);
    }
  }
  return { tensors: tensors.length, metadataKeys: Object.keys(g.metadata).length };
}

/**
 * Compares our conversion with a reference GGUF of the same checkpoint (ggml-org's stories260K.gguf): every
 * tensor's bytes and the tokenizer arrays must be equal. Returns the names compared; throws at a difference.
 */
export function checkAgainstReference(ggufBytes, referenceBytes) {
  const ours = readGguf(ggufBytes);
  const ref = readGguf(referenceBytes);
  for (const info of ref.tensors) {
    const a = ours.bytes(info.name);
    const b = ref.bytes(info.name);
    if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new Error(`${info.name} differs from the reference GGUF's`);
  }
  for (const key of ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type']) {
    const a = ours.metadata[key];
    const b = ref.metadata[key];
    const i = b.findIndex((v, j) => !Object.is(v, a[j]));
    if (a.length !== b.length || i >= 0) throw new Error(`${key} differs from the reference GGUF's at ${i}: ${JSON.stringify(a[i])} vs ${JSON.stringify(b[i])}`);
  }
  return { tensorsCompared: ref.tensors.length, tokenizerArrays: 3 };
}
