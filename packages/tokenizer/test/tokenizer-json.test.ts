// tokenizer.json parity: each file is assembled in Hugging Face's documented layout from reference vocabularies
// (GPT-2's encoder.json/vocab.bpe, Llama's GGUF vocabulary, bert-base-uncased's vocab.txt), and must give
// llama.cpp's vectors, which were produced with Hugging Face tokenizers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTokenizerJson, TokenizerFormatError } from '@transformer-kit/tokenizer';
import { readGgufMetadata } from './helpers/read-gguf-metadata';
import { missing, readLlamaCppVectors, shared } from './helpers/shared';

const gpt2Dir = shared('tokenizers', 'gpt2');
const llamaGguf = shared('tokenizers', 'llama.cpp', 'ggml-vocab-llama-spm.gguf');
const bertVocab = shared('tokenizers', 'bert-base-uncased', 'vocab.txt');

function expectVectors(name: string, encode: (t: string) => number[]) {
  const cases = readLlamaCppVectors(name);
  expect(cases).toHaveLength(46);
  expect(cases.filter(({ text, ids }) => JSON.stringify(encode(text)) !== JSON.stringify(ids)).map((c) => c.text)).toEqual([]);
}

describe.skipIf(missing(`${gpt2Dir}/encoder.json`, `${gpt2Dir}/vocab.bpe`, `${llamaGguf}.inp`))('tokenizer.json, GPT-2 (BPE + ByteLevel)', () => {
  const json = {
    version: '1.0',
    added_tokens: [{ id: 50256, content: '<|endoftext|>', special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      vocab: JSON.parse(readFileSync(`${gpt2Dir}/encoder.json`, 'utf8')),
      merges: readFileSync(`${gpt2Dir}/vocab.bpe`, 'utf8').split('\n').slice(1).filter(Boolean),
    },
  };

  it('gives the 46 llama.cpp gpt-2 vectors (merges as "a b" strings and as pairs)', () => {
    const tok = loadTokenizerJson(JSON.stringify(json));
    expect(tok.kind).toBe('byte-level-bpe');
    expectVectors('gpt-2', (t) => tok.encode(t));
    const pairs = { ...json, model: { ...json.model, merges: json.model.merges.map((m) => m.split(' ')) } };
    const tok2 = loadTokenizerJson(pairs);
    expectVectors('gpt-2', (t) => tok2.encode(t));
    expect(tok.specialTokenIds.eos).toBe(50256);
  });

  it('reports a truncated file as a tokenizer.json error', () => {
    const text = JSON.stringify(json);
    expect(() => loadTokenizerJson(text.slice(0, text.length / 2))).toThrow(TokenizerFormatError);
    expect(() => loadTokenizerJson(text.slice(0, text.length / 2))).toThrow(/tokenizer\.json: not valid JSON/);
    expect(() => loadTokenizerJson({ model: { type: 'Unigram', vocab: {} } })).toThrow(/tokenizer\.json: unsupported model type "Unigram"/);
  });
});

describe.skipIf(missing(llamaGguf, `${llamaGguf}.inp`))('tokenizer.json, Llama (BPE + Prepend/Replace ▁ + byte_fallback)', () => {
  const meta = readGgufMetadata(readFileSync(llamaGguf));
  const tokens = meta['tokenizer.ggml.tokens'] as string[];
  const types = meta['tokenizer.ggml.token_type'] as number[];
  const scores = meta['tokenizer.ggml.scores'] as number[];
  const vocab = Object.fromEntries(tokens.map((t, i) => [t, i]));
  // Merges as transformers' SentencePiece converter makes them: every split of a normal piece into two normal
  // pieces, ordered by the merged piece's score (best first).
  const normal = new Set(tokens.filter((_, i) => types[i] === 1));
  const merges: Array<[string, string, number]> = [];
  for (const t of normal) {
    const chars = Array.from(t);
    for (let k = 1; k < chars.length; k++) {
      const a = chars.slice(0, k).join('');
      const b = chars.slice(k).join('');
      if (normal.has(a) && normal.has(b)) merges.push([a, b, vocab[t]]);
    }
  }
  merges.sort((x, y) => scores[y[2]] - scores[x[2]] || x[2] - y[2]);
  const json = {
    added_tokens: [
      { id: 0, content: '<unk>', special: true },
      { id: 1, content: '<s>', special: true },
      { id: 2, content: '</s>', special: true },
    ],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: { type: 'Sequence', decoders: [{ type: 'Replace' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip' }] },
    model: { type: 'BPE', unk_token: '<unk>', byte_fallback: true, fuse_unk: true, vocab, merges: merges.map(([a, b]) => `${a} ${b}`) },
  };

  it('gives the 46 llama.cpp llama-spm vectors, and BOS from the post-processor', () => {
    const tok = loadTokenizerJson(json);
    expect(tok.kind).toBe('sentencepiece-bpe');
    expectVectors('llama-spm', (t) => tok.encode(t, { addSpecialTokens: false }));
    expect(tok.encode('Hello world')).toEqual([1, ...readLlamaCppVectors('llama-spm')[11].ids]);
  });
});

describe.skipIf(missing(bertVocab, shared('tokenizers', 'llama.cpp', 'ggml-vocab-bert-bge.gguf.inp')))('tokenizer.json, BERT (WordPiece + BertNormalizer)', () => {
  const lines = readFileSync(bertVocab, 'utf8').split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
  const vocab = Object.fromEntries(lines.map((t, i) => [t, i]));
  const json = {
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t) => ({ id: vocab[t], content: t, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', vocab['[SEP]']], cls: ['[CLS]', vocab['[CLS]']] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };

  it('gives the 46 llama.cpp bert-bge vectors', () => {
    const tok = loadTokenizerJson(json);
    expect(tok.kind).toBe('wordpiece');
    expectVectors('bert-bge', (t) => tok.encode(t, { addSpecialTokens: false }));
    expect(tok.specialTokenIds).toMatchObject({ cls: vocab['[CLS]'], sep: vocab['[SEP]'], unk: vocab['[UNK]'] });
  });
});
