import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBertVocab, loadGgufTokenizer, loadGpt2Files } from '@transformer-kit/tokenizer';
import { readGgufMetadata } from './helpers/read-gguf-metadata';
import { missing, readLlamaCppVectors, shared } from './helpers/shared';

const vocab = (name: string) => shared('tokenizers', 'llama.cpp', `ggml-vocab-${name}.gguf`);
const inputs = (name: string) => [vocab(name), `${vocab(name)}.inp`, `${vocab(name)}.out`];

function expectAll(name: string, encode: (text: string) => number[]) {
  const cases = readLlamaCppVectors(name);
  expect(cases).toHaveLength(46);
  const failures = cases
    .map(({ text, ids }, i) => ({ i, text, expected: ids, actual: encode(text) }))
    .filter((c) => JSON.stringify(c.actual) !== JSON.stringify(c.expected));
  expect(failures).toEqual([]);
}

describe.skipIf(missing(...inputs('gpt-2')))('llama.cpp gpt-2 vectors', () => {
  it('46/46 from the GGUF vocabulary', () => {
    const tok = loadGgufTokenizer(readGgufMetadata(readFileSync(vocab('gpt-2'))));
    expect(tok.kind).toBe('byte-level-bpe');
    expectAll('gpt-2', (t) => tok.encode(t, { addSpecialTokens: false }));
  });

  it.skipIf(missing(shared('tokenizers', 'gpt2', 'encoder.json')))('46/46 from encoder.json + vocab.bpe', () => {
    const tok = loadGpt2Files(
      readFileSync(shared('tokenizers', 'gpt2', 'encoder.json'), 'utf8'),
      readFileSync(shared('tokenizers', 'gpt2', 'vocab.bpe'), 'utf8'),
    );
    expectAll('gpt-2', (t) => tok.encode(t));
  });
});

describe.skipIf(missing(...inputs('llama-spm')))('llama.cpp llama-spm vectors', () => {
  it('46/46 from the GGUF vocabulary', () => {
    const tok = loadGgufTokenizer(readGgufMetadata(readFileSync(vocab('llama-spm'))));
    expect(tok.kind).toBe('sentencepiece-bpe');
    expectAll('llama-spm', (t) => tok.encode(t, { addSpecialTokens: false }));
  });

  it('adds BOS (id 1 in the GGUF metadata) only when asked', () => {
    const tok = loadGgufTokenizer(readGgufMetadata(readFileSync(vocab('llama-spm'))));
    const [, , , , , , , , , , , hello] = readLlamaCppVectors('llama-spm');
    expect(tok.encode(hello.text)).toEqual([1, ...hello.ids]);
    expect(tok.encode('')).toEqual([1]);
  });
});

describe.skipIf(missing(...inputs('bert-bge')))('llama.cpp bert-bge vectors', () => {
  it('46/46 from the GGUF vocabulary', () => {
    const tok = loadGgufTokenizer(readGgufMetadata(readFileSync(vocab('bert-bge'))));
    expect(tok.kind).toBe('wordpiece');
    expectAll('bert-bge', (t) => tok.encode(t, { addSpecialTokens: false }));
  });

  it.skipIf(missing(shared('tokenizers', 'bert-base-uncased', 'vocab.txt')))('46/46 from bert-base-uncased vocab.txt', () => {
    const tok = loadBertVocab(readFileSync(shared('tokenizers', 'bert-base-uncased', 'vocab.txt'), 'utf8'));
    expectAll('bert-bge', (t) => tok.encode(t, { addSpecialTokens: false }));
    // with special tokens: [CLS] … [SEP], ids taken from the GGUF metadata's cls/sep ids
    const meta = readGgufMetadata(readFileSync(vocab('bert-bge')));
    const [, , , , , , , , , , , hello] = readLlamaCppVectors('bert-bge');
    expect(tok.encode(hello.text)).toEqual([meta['tokenizer.ggml.cls_token_id'], ...hello.ids, meta['tokenizer.ggml.seperator_token_id']]);
  });
});
