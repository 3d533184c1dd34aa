import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadGgufTokenizer, loadLlama2cTokenizer } from '@transformer-kit/tokenizer';
import { readLlama2cTokenizer } from '@transformer-kit/tokenizer/node';
import { readGgufMetadata } from './helpers/read-gguf-metadata';
import { missing, shared } from './helpers/shared';

const llama2Bin = shared('tokenizers', 'llama2', 'tokenizer.bin');
const vectors = shared('tokenizers', 'llama2', 'test-vectors.json');
const tok512 = shared('models', 'stories260K', 'tok512.bin');
const greedy = shared('models', 'stories260K', 'greedy-256.txt');
const storiesGguf = shared('models', 'stories260K', 'stories260K.gguf');

describe.skipIf(missing(llama2Bin, vectors))("llama2.c test.c vectors (Llama 2's tokenizer.bin)", () => {
  const { cases } = JSON.parse(readFileSync(vectors, 'utf8')) as { cases: Array<{ text: string; ids_with_bos: number[] }> };

  it('encodes every case to test.c ids, BOS included', async () => {
    const tok = await readLlama2cTokenizer(llama2Bin, { vocabSize: 32000 });
    expect(cases.length).toBeGreaterThanOrEqual(5);
    for (const { text, ids_with_bos } of cases) expect(tok.encode(text), JSON.stringify(text)).toEqual(ids_with_bos);
  });

  it("decodes test.c's ids back to the text, llama2.c style (no space after BOS)", async () => {
    const tok = await readLlama2cTokenizer(llama2Bin, { vocabSize: 32000 });
    for (const { text, ids_with_bos } of cases) {
      expect(tok.decode(ids_with_bos, { skipSpecialTokens: true })).toBe(text);
      const stream = tok.createStreamingDecoder({ skipSpecialTokens: true });
      expect(ids_with_bos.map((id) => stream.push(id)).join('') + stream.flush()).toBe(text);
    }
  });
});

describe.skipIf(missing(tok512))("stories260K's tok512.bin", () => {
  const tok = loadLlama2cTokenizer(readFileSync(tok512), { vocabSize: 512 });

  it("encodes 'Once upon a time' as llama2.c does", () => {
    // Derived by hand from llama2.c's encode(): BOS (1), then the dummy prefix ' ' and one token per character:
    //   ' '410 O441 n416 c429 e411 ' '410 u425 p427 o414 n416 ' '410 a412 ' '410 t413 i417 m423 e411
    // then repeatedly merge the adjacent pair whose concatenation has the highest score in tok512.bin
    // (scores there are -rank): ' t'(0) ' a'(-2) 'im'(-29) 'on'(-30) ' u'(-59) ' O'(-60) ' On'(-62) 'ce'(-72)
    // ' up'(-91) 'ime'(-110) ' time'(-119) ' Once'(-144) ' upon'(-148); nothing else concatenates to a token.
    // The premises (pieces and scores) are checked against the file below, not assumed.
    const pieces: Array<[number, string]> = [[403, ' Once'], [407, ' upon'], [261, ' a'], [378, ' time'], [410, ' ']];
    for (const [id, piece] of pieces) expect(tok.idToToken(id)).toBe(piece);
    expect(tok.encode('Once upon a time')).toEqual([1, 403, 407, 261, 378]);
  });

  it('falls back to <0xXX> byte tokens, id = byte + 3, for characters not in the vocabulary', () => {
    // '中' is E4 B8 AD in UTF-8 and not a piece of tok512; llama2.c emits BOS, the dummy ' ' (410), then byte+3 each
    expect(tok.tokenToId('中')).toBeUndefined();
    expect(tok.idToToken(0xe4 + 3)).toBe('<0xE4>');
    const expected = [1, 410, 0xe4 + 3, 0xb8 + 3, 0xad + 3];
    expect(tok.encode('中')).toEqual(expected);
    expect(tok.decode(expected, { skipSpecialTokens: true })).toBe('中');
  });

  it("decodes pieces like llama2.c's decode(prev, token): leading space dropped after BOS only", () => {
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    expect(text(tok.tokenBytes(403, 1))).toBe('Once');
    expect(text(tok.tokenBytes(403, 378))).toBe(' Once');
    expect(Array.from(tok.tokenBytes(13, 378))).toEqual([10]); // <0x0A> is a raw newline byte
  });

  it.skipIf(missing(greedy))("round-trips llama2.c's greedy-256 story through encode and decode", () => {
    const story = readFileSync(greedy, 'utf8');
    const ids = tok.encode(story);
    expect(ids[0]).toBe(1);
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe(story);
    const stream = tok.createStreamingDecoder({ skipSpecialTokens: true });
    expect(ids.map((id) => stream.push(id)).join('') + stream.flush()).toBe(story);
  });

  it.skipIf(missing(greedy, storiesGguf))('gives the same ids from the GGUF metadata of stories260K.gguf', () => {
    const story = readFileSync(greedy, 'utf8');
    const fromGguf = loadGgufTokenizer(readGgufMetadata(readFileSync(storiesGguf)));
    expect(fromGguf.encode(story)).toEqual(tok.encode(story));
  });
});
