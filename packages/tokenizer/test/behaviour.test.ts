// Behaviour that every tokenizer shares: errors that name what was wrong, offsets that point at the text,
// streaming that only emits whole characters, lone surrogates, BERT pairs. Expected ids come from the
// reference vectors; everything else is checked as a property against the input text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bertNormalize,
  loadBertVocab,
  loadGgufTokenizer,
  loadGpt2Files,
  loadLlama2cTokenizer,
  loadTiktokenRanks,
  TokenizerFormatError,
  type Tokenizer,
} from '@transformer-kit/tokenizer';
import { readGpt2Files, readLlama2cTokenizer } from '@transformer-kit/tokenizer/node';
import { readGgufMetadata } from './helpers/read-gguf-metadata';
import { missing, readLlamaCppVectors, shared, toWellFormed } from './helpers/shared';

const gpt2Dir = shared('tokenizers', 'gpt2');
const llama2Bin = shared('tokenizers', 'llama2', 'tokenizer.bin');
const bertVocab = shared('tokenizers', 'bert-base-uncased', 'vocab.txt');
const spmGguf = shared('tokenizers', 'llama.cpp', 'ggml-vocab-llama-spm.gguf');
const have = !missing(`${gpt2Dir}/encoder.json`, `${gpt2Dir}/vocab.bpe`, llama2Bin, bertVocab, spmGguf, `${spmGguf}.inp`);

const utf8 = (s: string) => Array.from(new TextEncoder().encode(s));

/** Groups tokens whose spans overlap; each group's bytes must be exactly the bytes of its span of the text. */
function expectOffsetsCoverText(tok: Tokenizer, text: string, ids: number[], offsets: Array<[number, number]>, firstPrevious = -1) {
  let group: number[] = [];
  let firstGroup: number[] | undefined;
  let start = -1;
  let end = -1;
  const check = () => {
    if (group.length === 0) return;
    const bytes = group.flatMap((id, k) => Array.from(tok.tokenBytes(id, k === 0 ? (start === 0 && group === firstGroup ? firstPrevious : -1) : group[k - 1])));
    expect(bytes).toEqual(utf8(text.slice(start, end)));
  };
  ids.forEach((id, i) => {
    const [s, e] = offsets[i];
    if (s < end) {
      group.push(id);
      end = Math.max(end, e);
    } else {
      check();
      group = [id];
      firstGroup ??= group;
      start = s;
      end = e;
    }
  });
  check();
}

describe.skipIf(!have)('shared behaviour', () => {
  const gpt2 = () => loadGpt2Files(readFileSync(`${gpt2Dir}/encoder.json`, 'utf8'), readFileSync(`${gpt2Dir}/vocab.bpe`, 'utf8'));
  const llama = () => loadLlama2cTokenizer(readFileSync(llama2Bin), { vocabSize: 32000 });
  const bert = () => loadBertVocab(readFileSync(bertVocab, 'utf8'));
  const inputs = readLlamaCppVectors('gpt-2').map((c) => c.text);

  it('byte-level offsets: each span of text is exactly the bytes of its tokens (emoji split over tokens included)', () => {
    const tok = gpt2();
    for (const text of inputs) {
      const { ids, offsets } = tok.encodeWithOffsets(text);
      expect(ids).toEqual(tok.encode(text));
      expectOffsetsCoverText(tok, text, ids, offsets);
    }
  });

  it('SentencePiece offsets: each span is exactly the bytes of its tokens (▁ is a space, the dummy prefix maps to nothing)', () => {
    const tok = llama();
    for (const text of inputs) {
      const { ids, offsets } = tok.encodeWithOffsets(text, { addSpecialTokens: false });
      expect(ids).toEqual(tok.encode(text, { addSpecialTokens: false }));
      // previous id of the first token = BOS, so its dummy-prefix space is dropped as in decoding
      expectOffsetsCoverText(tok, text, ids, offsets, tok.specialTokenIds.bos);
    }
  });

  it('WordPiece offsets: each span, BERT-normalized, is the token (## stripped) or an [UNK] word', () => {
    const tok = bert();
    for (const text of readLlamaCppVectors('bert-bge').map((c) => c.text)) {
      const { ids, offsets } = tok.encodeWithOffsets(text);
      expect(offsets[0]).toEqual([0, 0]);
      ids.slice(1, -1).forEach((id, i) => {
        const [s, e] = offsets[i + 1];
        if (id === tok.specialTokenIds.unk) return;
        expect(bertNormalize(text.slice(s, e)).text.trim()).toBe(tok.idToToken(id).replace(/^##/, ''));
      });
    }
  });

  it('the streaming decoder holds back partial characters and emits them whole', () => {
    for (const tok of [gpt2(), llama()] as Tokenizer[]) {
      const text = ' this is 🦙.cpp 😶‍🌫️ Cửa Việt';
      const ids = tok.encode(text, { addSpecialTokens: false });
      const stream = tok.createStreamingDecoder();
      const chunks = ids.map((id) => stream.push(id));
      chunks.push(stream.flush());
      expect(chunks.join('')).toBe(tok.decode(ids));
      for (const c of chunks) expect(toWellFormed(c) === c && !c.includes('\ufffd')).toBe(true);
      expect(chunks.filter((c) => c === '').length).toBeGreaterThan(0); // some ids were bytes of an unfinished character
    }
  });

  it('an id out of range in decode, idToToken or the stream is a RangeError, never an empty string', () => {
    for (const tok of [gpt2(), llama(), bert()] as Tokenizer[]) {
      expect(() => tok.decode([tok.vocabSize])).toThrow(RangeError);
      expect(() => tok.decode([-1])).toThrow(/out of range/);
      expect(() => tok.decode([1.5])).toThrow(RangeError);
      expect(() => tok.idToToken(tok.vocabSize)).toThrow(RangeError);
      expect(() => tok.createStreamingDecoder().push(tok.vocabSize + 7)).toThrow(RangeError);
    }
  });

  it('lone surrogates never throw: SentencePiece and WordPiece treat them as U+FFFD, as UTF-8 encoders do', () => {
    const spm = llama();
    expect(spm.encode('a\ud800b')).toEqual(spm.encode('a\ufffdb'));
    expect(spm.encode('\udc00')).toEqual(spm.encode('\ufffd'));
    const wp = bert();
    // BertNormalizer's clean_text drops U+FFFD
    expect(wp.encode('a\ud800b')).toEqual(wp.encode('ab'));
  });

  it('BERT pairs: [CLS] A [SEP] B [SEP] with token_type_ids 0… then 1…', () => {
    const tok = bert();
    const cases = readLlamaCppVectors('bert-bge');
    const a = cases[16];
    const b = cases[31];
    const { cls, sep } = tok.specialTokenIds;
    const pair = tok.encodePair(a.text, b.text);
    expect(pair.ids).toEqual([cls, ...a.ids, sep, ...b.ids, sep]);
    expect(pair.tokenTypeIds).toEqual([...Array(a.ids.length + 2).fill(0), ...Array(b.ids.length + 1).fill(1)]);
  });

  it('WordPiece: a word over 100 characters is one [UNK]', () => {
    const tok = bert();
    expect(tok.encode('a'.repeat(101), { addSpecialTokens: false })).toEqual([tok.specialTokenIds.unk]);
    expect(tok.encode('a'.repeat(100), { addSpecialTokens: false })).not.toContain(tok.specialTokenIds.unk);
  });

  it('Llama special tokens: <s> in text is text unless allowed', () => {
    const tok = loadGgufTokenizer(readGgufMetadata(readFileSync(spmGguf)));
    const hello = readLlamaCppVectors('llama-spm')[23]; // 'Hello'
    expect(tok.encode('<s>Hello', { allowedSpecial: 'all', addSpecialTokens: false })).toEqual([1, ...hello.ids]);
    expect(tok.encode('<s>Hello', { addSpecialTokens: false })).not.toContain(1);
  });

  it('errors name the file kind and what was wrong', async () => {
    const bin = readFileSync(llama2Bin);
    expect(() => loadLlama2cTokenizer(bin.subarray(0, 1000))).toThrow(/llama2\.c tokenizer\.bin: truncated in (the header of )?token \d+/);
    expect(() => loadLlama2cTokenizer(bin, { vocabSize: 40000 })).toThrow(/llama2\.c tokenizer\.bin: truncated: 32000 tokens, expected 40000/);
    expect(() => loadLlama2cTokenizer(new Uint8Array(2))).toThrow(TokenizerFormatError);
    const vocab = readFileSync(`${gpt2Dir}/encoder.json`, 'utf8');
    expect(() => loadGpt2Files(vocab.slice(0, 5000), 'a b\n')).toThrow(/encoder\.json: not valid JSON/);
    expect(() => loadGpt2Files(vocab, '#version: 0.2\nĠ t\nbroken\n')).toThrow(/vocab\.bpe: line 3 is not two tokens/);
    expect(() => loadGpt2Files(vocab, '#version: 0.2\nĠ zzzz\n').encode('x')).toThrow(/merge 1 \('Ġ zzzz'\) uses a token that is not in the vocabulary/);
    expect(() => loadTiktokenRanks('!!!! 0\n', { pattern: 'gpt2' })).toThrow(/tiktoken rank file: line 1 has invalid base64/);
    expect(() => loadTiktokenRanks('IQ== 0\n', { pattern: 'gpt2' })).toThrow(/tiktoken rank file: only 1 ranks/);
    expect(() => loadGgufTokenizer({ 'tokenizer.ggml.model': 'llama' })).toThrow(/GGUF tokenizer metadata: tokenizer\.ggml\.tokens is missing/);
    expect(() => loadGgufTokenizer({ 'tokenizer.ggml.model': 't5', 'tokenizer.ggml.tokens': ['a'] })).toThrow(/unsupported tokenizer\.ggml\.model "t5"/);
    await expect(readGpt2Files('/nonexistent/gpt2')).rejects.toThrow(/cannot read encoder\.json at \/nonexistent\/gpt2\/encoder\.json/);
    // both files missing: always the encoder first, whichever read fails first; only the merges missing: named
    for (let i = 0; i < 5; i++) await expect(readGpt2Files('/nonexistent/gpt2')).rejects.toThrow(/cannot read encoder\.json/);
    await expect(readGpt2Files(gpt2Dir, { merges: '/nonexistent/merges.txt' })).rejects.toThrow(/cannot read vocab\.bpe at \/nonexistent\/merges\.txt/);
    await expect(readLlama2cTokenizer(`${gpt2Dir}/vocab.bpe`)).rejects.toThrow(/llama2\.c tokenizer\.bin: .*\(file: .*vocab\.bpe\)/);
  });
});
