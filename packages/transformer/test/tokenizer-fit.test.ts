// Issue #12, finding 9: tokenizer and model vocabularies were not cross-checked: a 511-token vocabulary loaded
// for a 512-row embedding, and stories260K ran with the 32,000-token Llama 2 tokenizer.
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLlama2cTokenizer } from '@transformer-kit/tokenizer';
import { checkTokenizerFitsModel, loadLlama2c } from '../src/index';
import { loadModelFromPath } from '../src/node/index';
import { haveShared, readShared, shared } from './shared-data';

const temp = mkdtempSync(join(tmpdir(), 'tk-fit-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** tokenizer.bin cut after `count` tokens (max_token_length int32, then score f32, length i32, bytes per token). */
function firstTokens(bin: Uint8Array, count: number): Uint8Array {
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  let pos = 4;
  for (let i = 0; i < count; i++) pos += 8 + view.getInt32(pos + 4, true);
  return bin.slice(0, pos);
}

describe.runIf(haveShared('models/stories260K/stories260K.bin', 'models/stories260K/tok512.bin', 'tokenizers/llama2/tokenizer.bin'))('tokenizer ↔ model vocabulary', () => {
  const bin = readShared('models/stories260K/stories260K.bin');
  const tok = readShared('models/stories260K/tok512.bin');
  const llama2 = readShared('tokenizers/llama2/tokenizer.bin');

  it('refuses the Llama 2 tokenizer for stories260K, and a 511-token vocabulary for 512 rows', () => {
    expect(() => loadLlama2c(bin, llama2, 'stories260K.bin')).toThrow(
      'the tokenizer has 32000 tokens but the embedding of stories260K.bin has 512 rows: they do not belong together (a llama2.c tokenizer must have exactly one token per row)',
    );
    expect(() => loadLlama2c(bin, firstTokens(tok, 511), 'stories260K.bin')).toThrow('the tokenizer has 511 tokens but the embedding of stories260K.bin has 512 rows');
    expect(loadLlama2c(bin, tok).tokenizer!.vocabSize).toBe(512);
  });

  it('loadModelFromPath refuses a mismatched tokenizer.bin, given or found beside the model', async () => {
    await expect(loadModelFromPath(shared('models/stories260K/stories260K.bin').path, { tokenizer: shared('tokenizers/llama2/tokenizer.bin').path })).rejects.toThrow(/tokenizer\.bin has 32000 tokens but the embedding of .*stories260K\.bin has 512 rows/);
    copyFileSync(shared('models/stories260K/stories260K.bin').path, join(temp, 'stories260K.bin'));
    writeFileSync(join(temp, 'tok512.bin'), firstTokens(tok, 511));
    await expect(loadModelFromPath(join(temp, 'stories260K.bin'))).rejects.toThrow(/tok512\.bin has 511 tokens but the embedding of .*stories260K\.bin has 512 rows/);
  });

  it('allows fewer tokens than rows outside llama2.c (padded embeddings), never more, and checks the special ids', () => {
    const t = loadLlama2cTokenizer(tok);
    expect(() => checkTokenizerFitsModel(t, 640, { model: 'm', tokenizer: 't' })).not.toThrow();
    expect(() => checkTokenizerFitsModel(t, 500, { model: 'm', tokenizer: 't' })).toThrow('t has 512 tokens but the embedding of m has 500 rows: they do not belong together (every token id needs an embedding row)');
    const odd = Object.assign(Object.create(t) as typeof t, { specialTokenIds: { bos: 1, eos: 700 } });
    expect(() => checkTokenizerFitsModel(odd, 640, { model: 'm', tokenizer: 't' })).toThrow('t: the eos token id 700 is not a row of the embedding of m (640 rows)');
  });
});
