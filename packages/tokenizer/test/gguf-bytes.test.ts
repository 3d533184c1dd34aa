import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readGguf } from '@transformer-kit/tensor';
import { loadGgufTokenizer } from '@transformer-kit/tokenizer';
import { missing, readLlamaCppVectors, shared } from './helpers/shared';

// The GGUF vocabulary loader reads through @transformer-kit/tensor's GGUF reader: bytes, a parsed file and
// the metadata alone give the same tokenizer, checked on llama.cpp's own vectors.
const file = shared('tokenizers', 'llama.cpp', 'ggml-vocab-llama-spm.gguf');

describe.skipIf(missing(file, `${file}.inp`, `${file}.out`))('loadGgufTokenizer reads GGUF through the tensor package', () => {
  it('bytes, a parsed GgufFile and its metadata give llama.cpp\'s ids (46/46)', () => {
    const bytes = readFileSync(file);
    const parsed = readGguf(bytes);
    const cases = readLlamaCppVectors('llama-spm');
    for (const source of [bytes, parsed, parsed.metadata]) {
      const tok = loadGgufTokenizer(source);
      const wrong = cases.filter(({ text, ids }) => JSON.stringify(tok.encode(text, { addSpecialTokens: false })) !== JSON.stringify(ids));
      expect(wrong).toEqual([]);
    }
  });

  it('a corrupt file is a named GGUF error, not an engine error', () => {
    const bytes = new Uint8Array(readFileSync(file)).subarray(0, 1000);
    expect(() => loadGgufTokenizer(bytes)).toThrow(/GGUF: the length of array 'tokenizer\.ggml\.tokens' is 32000, more than the 359 bytes left in the file could hold/);
  });
});
