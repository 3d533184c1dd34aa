// Issue #19 (Gemma 3's tokenizer.json in under 300 ms): a file read from its bytes keeps its vocabulary as one
// text and offsets, making a token's string only when asked (TokenList), and its merges as triples behind a
// table of 4-byte slots. The reference for both is the plain path of the same loader (the file parsed by
// JSON.parse into objects, token strings in an array, merges resolved through a Map), and a Map for the table:
// the same tokens, the same ids, and the same errors word for word.
import { describe, expect, it } from 'vitest';
import { loadTokenizerJson, SentencePieceBpe, TokenizerFormatError, type TokenList } from '@transformer-kit/tokenizer';
import { PairMergeTable } from '../src/pair-merge-table';

// a Llama-style file (Metaspace, byte fallback); `vocab` and `added` are varied below
function file(vocab: Record<string, number>, added: Array<{ id: number; content: string; special?: boolean }>, merges: string[] = []) {
  return {
    added_tokens: added.map((a) => ({ special: true, ...a })),
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: false },
    post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }], special_tokens: {} },
    model: { type: 'BPE', unk_token: '<unk>', byte_fallback: true, vocab, merges },
  };
}

// the error (or none) of each way to load one file: bytes (fast reader) and the parsed object (JSON.parse)
function errors(json: object): [string, string] {
  const message = (load: () => unknown) => {
    try {
      load();
      return 'no error';
    } catch (e) {
      expect(e).toBeInstanceOf(TokenizerFormatError);
      return (e as Error).message;
    }
  };
  const text = JSON.stringify(json, null, 2);
  return [message(() => loadTokenizerJson(new TextEncoder().encode(text))), message(() => loadTokenizerJson(JSON.parse(text)))];
}

describe('token strings made on demand (a tokenizer.json read from bytes)', () => {
  const base = { '<unk>': 0, '<s>': 1, '</s>': 2, '▁': 3, a: 4, b: 5, '▁a': 6, ab: 7, é: 8, '😀': 9, '<0x41>': 10 };

  it('gives every id the token, type and ids of the parsed-object path, added-only ids included', () => {
    const json = file(base, [
      { id: 0, content: '<unk>' },
      { id: 1, content: '<s>' },
      { id: 2, content: '</s>' },
      { id: 11, content: '<extra>', special: false },
      { id: 12, content: 'ab', special: false }, // the same string as key 7: the first id is the vocabulary's
    ], ['▁ a', 'a b']);
    const text = JSON.stringify(json, null, 2);
    const fast = loadTokenizerJson(new TextEncoder().encode(text));
    const plain = loadTokenizerJson(JSON.parse(text));
    expect(fast.vocabSize).toBe(13);
    for (let id = 0; id < 13; id++) expect(fast.idToToken(id)).toBe(plain.idToToken(id));
    for (const t of ['a ab', 'é😀<extra>', 'A', '']) {
      expect(fast.encode(t)).toEqual(plain.encode(t));
      expect(fast.decode(fast.encode(t))).toBe(plain.decode(plain.encode(t)));
    }
    expect(fast.tokenToId('ab')).toBe(plain.tokenToId('ab'));
    expect(fast.tokenToId('ab')).toBe(7);
  });

  it('names the same id problems, word for word, as the parsed-object path', () => {
    const cases = [
      file({ ...base, x: 4 }, []), // two keys with one id
      file({ ...base, x: 40 }, []), // an id past the end
      file(base, [{ id: 4, content: '<x>' }]), // an added token over a vocabulary token
      file(base, [{ id: 11, content: '<x>' }, { id: 11, content: '<y>' }]), // one added id, two strings
      file(base, [{ id: 12, content: '<x>' }]), // id 11 is nobody's
      file(base, [{ id: 99, content: '<x>' }]),
    ];
    for (const json of cases) {
      const [fast, plain] = errors(json);
      expect(fast).not.toBe('no error');
      expect(fast).toBe(plain);
    }
  });

  it('SentencePieceBpe takes a TokenList as it takes an array', () => {
    const words = ['<unk>', '<s>', '</s>', '▁', 'h', 'i', '▁h', '▁hi', '<0x41>'];
    let made = 0;
    const lazy: TokenList = {
      length: words.length,
      at: (id) => (made++, words[id]),
      units: (id) => words[id].length,
      indexOf: (t) => words.indexOf(t),
    };
    // types and merge ids given, as the tokenizer.json loader gives them: nothing needs every string
    const options = { mergeIds: Int32Array.of(3, 4, 6, 6, 5, 7), tokenTypes: [2, 3, 3, 1, 1, 1, 1, 1, 6], specialTokenIds: { unk: 0, bos: 1, eos: 2 } };
    const fromList = new SentencePieceBpe({ ...options, tokens: lazy });
    const fromArray = new SentencePieceBpe({ ...options, tokens: words });
    // the constructor made the pieces of one or two UTF-16 units (▁ h i ▁h: is it one code point?), the control
    // tokens (<s> </s>) and the byte token, not '▁hi' nor '<unk>'
    expect(made).toBe(7);
    for (const t of ['hi hi', 'A', 'x']) expect(fromList.encode(t)).toEqual(fromArray.encode(t));
    for (let id = 0; id < words.length; id++) expect(fromList.idToToken(id)).toBe(words[id]);
    expect(fromList.tokenToId('▁hi')).toBe(7);
  });
});

describe('PairMergeTable (4-byte slots over the merge triples)', () => {
  it('finds every merge a Map of the same pairs holds, the first of a repeated pair winning, and nothing else', () => {
    // 60k merges of pairs from a small alphabet, so that pairs repeat and slots collide; a deterministic generator
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
    const n = 60_000;
    const triples = new Int32Array(3 * n);
    const reference = new Map<string, [number, number]>();
    for (let r = 0; r < n; r++) {
      const a = next() % 1000;
      const b = next() % 1000;
      triples.set([a, b, 10_000 + r], 3 * r);
      if (!reference.has(`${a},${b}`)) reference.set(`${a},${b}`, [10_000 + r, r]);
    }
    const copy = triples.slice();
    const table = PairMergeTable.fromTriples(triples);
    expect(table.size).toBe(reference.size);
    const wrong: string[] = [];
    for (const [key, [merged, rank]] of reference) {
      const [a, b] = key.split(',').map(Number);
      const slot = table.find(a, b);
      if (slot < 0 || table.mergedAt(slot) !== merged || table.rankAt(slot) !== rank) wrong.push(key);
    }
    expect(wrong).toEqual([]);
    let misses = 0;
    for (let a = 1000; a < 1100; a++) for (let b = 0; b < 100; b++) misses += table.find(a, b) === -1 ? 1 : 0;
    expect(misses).toBe(100 * 100);
    // a merge added afterwards goes to the table's own list: the caller's triples are not written
    table.add(5000, 5001, 42, n);
    expect(table.mergedAt(table.find(5000, 5001))).toBe(42);
    expect(table.rankAt(table.find(5000, 5001))).toBe(n);
    expect(triples).toEqual(copy);
    const [a0, b0] = [triples[0], triples[1]];
    expect(table.rankAt(table.find(a0, b0))).toBe(0);
  });
});
