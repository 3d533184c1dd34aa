// Issue #19: loadTokenizerJson reads a file's UTF-8 bytes straight (the fast reader of model.vocab / model.merges
// works on bytes, so a 33 MB file is never decoded whole). Whatever the input (bytes, ArrayBuffer, text, or the
// object JSON.parse makes of the text), the tokenizer must be the same: these files hold the keys that make byte
// offsets and UTF-16 offsets differ (2-, 3- and 4-byte characters), keys written with needless escapes, and both
// spellings of a merge.
import { describe, expect, it } from 'vitest';
import { loadTokenizerJson, TokenizerFormatError, type Tokenizer } from '@transformer-kit/tokenizer';
import { scanTokenizerJson } from '../src/loaders/scan-tokenizer-json';

// a Llama-style (Metaspace, byte fallback) vocabulary; the merged tokens are the concatenations of their parts
const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2, '<0xF0>': 3, '<0x9F>': 4, '<0x98>': 5, '<0x80>': 6 };
for (const t of ['▁', 'a', 'b', 'é', '😀', '中', '"', '\\', '\n', '▁a', 'ab', '▁ab', 'é😀', '▁é😀', '中"', '\\\n', '▁中"']) vocab[t] = Object.keys(vocab).length;
const merges: Array<[string, string]> = [
  ['▁', 'a'],
  ['a', 'b'],
  ['▁a', 'b'],
  ['é', '😀'],
  ['▁', 'é😀'],
  ['中', '"'],
  ['\\', '\n'],
  ['▁', '中"'],
];
const file = {
  version: '1.0',
  added_tokens: [
    { id: 0, content: '<unk>', special: true },
    { id: 1, content: '<s>', special: true },
    { id: 2, content: '</s>', special: true },
  ],
  normalizer: null,
  pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: false },
  post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }] },
  decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: false },
  model: { type: 'BPE', unk_token: '<unk>', byte_fallback: true, vocab, merges },
};
const pretty = JSON.stringify(file, null, 2);
// the same file with every non-ASCII character of the vocabulary escaped (\uXXXX, surrogate pairs for 😀)
const escaped = pretty.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const texts = ['ab', 'a b é😀', '中"\\\n', ' ab中"', '😃 unknown', ''];

function sameTokenizer(a: Tokenizer, b: Tokenizer) {
  expect(a.vocabSize).toBe(b.vocabSize);
  for (let id = 0; id < a.vocabSize; id++) expect(a.idToToken(id)).toBe(b.idToToken(id));
  for (const t of texts) expect(a.encode(t)).toEqual(b.encode(t));
}

describe('loadTokenizerJson on bytes, text and parsed objects', () => {
  it('gives the same tokenizer from UTF-8 bytes, an ArrayBuffer, the text and JSON.parse of the text', () => {
    const reference = loadTokenizerJson(JSON.parse(pretty));
    const bytes = new TextEncoder().encode(pretty);
    for (const input of [bytes, bytes.slice().buffer, pretty, escaped, new TextEncoder().encode(escaped), JSON.stringify(file)]) {
      sameTokenizer(loadTokenizerJson(input), reference);
    }
    // by construction: BOS, '▁ab'; BOS, '▁é😀'; BOS, '▁中"', '\\\n'
    expect(reference.encode('ab')).toEqual([1, vocab['▁ab']]);
    expect(reference.encode('é😀')).toEqual([1, vocab['▁é😀']]);
    expect(reference.encode('中"\\\n')).toEqual([1, vocab['▁中"'], vocab['\\\n']]);
  });

  it('reads merges written as "a b" strings the same as ["a", "b"] pairs', () => {
    const spaced = { ...file, model: { ...file.model, merges: merges.map(([a, b]) => `${a} ${b}`) } };
    sameTokenizer(loadTokenizerJson(new TextEncoder().encode(JSON.stringify(spaced))), loadTokenizerJson(pretty));
  });

  it('a Buffer (a Uint8Array subclass) with an offset into a larger ArrayBuffer', () => {
    const inner = new TextEncoder().encode(pretty);
    const outer = new Uint8Array(inner.length + 10);
    outer.set(inner, 5);
    sameTokenizer(loadTokenizerJson(Buffer.from(outer.buffer, 5, inner.length)), loadTokenizerJson(pretty));
  });

  it('names the merge whose token is missing, and a key written twice, from bytes too', () => {
    const bad = new TextEncoder().encode(pretty.replace('"中",\n        "\\""', '"中",\n        "x"'));
    expect(() => loadTokenizerJson(bad)).toThrow(/model\.merges\[5\] \('中 x'\) uses a token that is not in model\.vocab/);
    // the same key once plain and once escaped
    const twice = pretty.replace('"vocab": {', '"vocab": {\n      "\\u00e9": 99,');
    expect(() => loadTokenizerJson(new TextEncoder().encode(twice))).toThrow('tokenizer.json: model.vocab has the key "é" twice');
  });

  it('bytes that are not JSON or not UTF-8 get the JSON error, not an engine error', () => {
    expect(() => loadTokenizerJson(new TextEncoder().encode(pretty.slice(0, 200)))).toThrow(TokenizerFormatError);
    expect(() => loadTokenizerJson(new TextEncoder().encode(pretty.slice(0, 200)))).toThrow(/tokenizer\.json: not valid JSON/);
    // a lone continuation byte inside a key: decoded as U+FFFD (as TextDecoder and JSON.parse of the text do)
    const bytes = new TextEncoder().encode(pretty.replace('"ab"', '"a~"'));
    bytes[bytes.indexOf(0x7e)] = 0x80;
    expect(() => loadTokenizerJson(bytes).encode('ab')).toThrow(/\('a b'\) uses a token that is not in/);
  });

  it('reads escapes in "a b" merges (an escaped space splits too), and merges written before the vocabulary, as JSON.parse does', () => {
    const spaced = { ...file, model: { ...file.model, merges: merges.map(([a, b]) => `${a} ${b}`) } };
    const reference = loadTokenizerJson(JSON.parse(JSON.stringify(spaced)));
    // every non-ASCII character escaped, and the separator of the first merge written as \u0020
    const text = JSON.stringify(spaced, null, 1)
      .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .replace('"\\u2581 a"', '"\\u2581\\u0020a"');
    expect(text).toContain('"\\u2581\\u0020a"');
    sameTokenizer(loadTokenizerJson(new TextEncoder().encode(text)), reference);
    // read by the fast reader itself (not its JSON.parse fallback), to the same ids as the plain spelling
    const fast = scanTokenizerJson(new TextEncoder().encode(text));
    expect(fast && Array.from(fast.merges!)).toEqual(Array.from(scanTokenizerJson(JSON.stringify(spaced))!.merges!));
    expect(Array.from(fast!.merges!.subarray(0, 3))).toEqual([vocab['▁'], vocab['a'], vocab['▁a']]);
    const { vocab: v, merges: m, ...rest } = spaced.model;
    const mergesFirst = JSON.stringify({ ...spaced, model: { ...rest, merges: m, vocab: v } });
    expect(mergesFirst.indexOf('"merges"')).toBeLessThan(mergesFirst.indexOf('"vocab"'));
    sameTokenizer(loadTokenizerJson(new TextEncoder().encode(mergesFirst)), reference);
    expect(scanTokenizerJson(mergesFirst)?.merges?.length).toBe(3 * merges.length);
  });

  it('what JSON.parse refuses or reads differently goes to JSON.parse: a leading zero, a raw control character, a lone surrogate', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(pretty).toContain('"a": 8,');
    expect(() => loadTokenizerJson(bytes(pretty.replace('"a": 8,', '"a": 08,')))).toThrow(/tokenizer\.json: not valid JSON/);
    expect(() => loadTokenizerJson(bytes(pretty.replace('"ab": 17,', '"a\tb": 17,')))).toThrow(/tokenizer\.json: not valid JSON/);
    // a model field written twice (here the vocabulary again after the merges): JSON.parse keeps the last one, and
    // so does the load
    const swapped = JSON.stringify({ ...vocab, a: vocab['b'], b: vocab['a'] });
    const twoVocabs = JSON.stringify(file).replace(/\]\]\}\}$/, `]],"vocab":${swapped}}}`);
    expect(twoVocabs.indexOf('"merges"')).toBeLessThan(twoVocabs.lastIndexOf('"vocab"'));
    expect(scanTokenizerJson(bytes(twoVocabs))).toBeUndefined();
    sameTokenizer(loadTokenizerJson(bytes(twoVocabs)), loadTokenizerJson(JSON.parse(twoVocabs)));
    expect(loadTokenizerJson(bytes(twoVocabs)).idToToken(vocab['a'])).toBe('b');
    // a key that is a lone surrogate has no UTF-8 form: read as JSON.parse reads it
    const lone = pretty.replace('"vocab": {', '"vocab": {\n      "\\ud800": 24,');
    expect(scanTokenizerJson(bytes(lone))).toBeUndefined();
    expect(loadTokenizerJson(bytes(lone)).idToToken(24)).toBe('\ud800');
    sameTokenizer(loadTokenizerJson(bytes(lone)), loadTokenizerJson(JSON.parse(lone)));
  });
});
