/**
 * A big-vocabulary llama2.c checkpoint written on the spot, for the demo's size test (no real model of that shape
 * is in ../shared): the header's shapes, seeded random weights, and a tokenizer whose first 512 pieces are
 * stories260K's (so English text tokenizes as usual) followed by filler pieces up to `vocab`. The weights are
 * random: this exercises sizes (vocabulary, layers, heads), not what the model says.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SyntheticShape {
  dim: number;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  vocab: number;
  seqLen: number;
}

/** Writes `model.bin` and `tokenizer.bin` into `dir`; `tok512` is stories260K's tokenizer file. */
export function writeSyntheticLlama2c(dir: string, shape: SyntheticShape, tok512: string): { model: string; tokenizer: string } {
  const { dim, hidden, layers, heads, kvHeads, vocab, seqLen } = shape;
  const kvDim = (kvHeads * dim) / heads;
  const floats =
    vocab * dim + layers * (dim + dim * dim + 2 * kvDim * dim + dim * dim + dim + 3 * hidden * dim) + dim + seqLen * (dim / heads);
  const buffer = new ArrayBuffer(28 + 4 * floats);
  new Int32Array(buffer, 0, 7).set([dim, hidden, layers, heads, kvHeads, vocab, seqLen]);
  const weights = new Float32Array(buffer, 28, floats);
  let seed = 12345;
  for (let i = 0; i < floats; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    weights[i] = ((seed >>> 8) / (1 << 24) - 0.5) * 0.2;
  }
  // RMSNorm weights near 1, so activations keep a sane scale through 30+ layers.
  let o = vocab * dim;
  for (let l = 0; l < layers; l++) weights.fill(1, o + l * dim, o + (l + 1) * dim);
  o += layers * dim + layers * (dim * dim + 2 * kvDim * dim + dim * dim);
  for (let l = 0; l < layers; l++) weights.fill(1, o + l * dim, o + (l + 1) * dim);
  o += layers * dim + layers * 3 * hidden * dim;
  weights.fill(1, o, o + dim);
  const model = join(dir, 'model.bin');
  writeFileSync(model, new Uint8Array(buffer));

  // tok512.bin: int32 max_token_length, then (float32 score, int32 length, bytes) records.
  const base = readFileSync(tok512);
  const records: Uint8Array[] = [base.subarray(4)];
  let maxLength = new DataView(base.buffer, base.byteOffset).getInt32(0, true);
  for (let id = 512; id < vocab; id++) {
    const piece = new TextEncoder().encode(`▁filler${id}`);
    maxLength = Math.max(maxLength, piece.length);
    const record = new Uint8Array(8 + piece.length);
    const view = new DataView(record.buffer);
    view.setFloat32(0, -1e6 - id, true);
    view.setInt32(4, piece.length, true);
    record.set(piece, 8);
    records.push(record);
  }
  const header = new Uint8Array(4);
  new DataView(header.buffer).setInt32(0, maxLength, true);
  const tokenizer = join(dir, 'tokenizer.bin');
  writeFileSync(tokenizer, Buffer.concat([header, ...records]));
  return { model, tokenizer };
}
