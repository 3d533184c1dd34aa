import { readFile } from 'node:fs/promises';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Tokenizer } from '@transformer-kit/tokenizer';
import { generate, loadGguf, loadHuggingFace, loadLlama2c, requireCausalLM, type CausalLM } from '../src/index';
import { haveShared, readShared, sharedDir } from './shared-data';

const BIN = 'models/stories260K/stories260K.bin';
const GGUF = 'models/stories260K/stories260K.gguf';
const TOK = 'models/stories260K/tok512.bin';
const GPT2 = 'fixtures/models/gpt2-tiny';
const BERT = 'fixtures/models/bert-tiny';

const hfReader = (dir: string) => async (name: string) => readFile(`${sharedDir}/${dir}/${name}`).catch(() => undefined);

describe.runIf(haveShared(BIN, GGUF, TOK, `${GPT2}/config.json`, `${BERT}/config.json`))('loaders typed by what they load', () => {
  it('a llama2.c checkpoint with its tokenizer is a CausalLM with a Tokenizer; without one, no tokenizer', () => {
    const withTok = loadLlama2c(readShared(BIN), readShared(TOK));
    expectTypeOf(withTok.model).toEqualTypeOf<CausalLM>();
    expectTypeOf(withTok.tokenizer).toEqualTypeOf<Tokenizer>();
    const bare = loadLlama2c(readShared(BIN));
    expectTypeOf(bare.tokenizer).toEqualTypeOf<undefined>();
    expect(bare.tokenizer).toBeUndefined();
    expect(withTok.tokenizer.encode('Once upon a time')).toEqual([1, 403, 407, 261, 378]); // llama2.c's encoding
  });

  it('a GGUF is a CausalLM with the tokenizer of its metadata; a GGUF without one is an error naming what to pass', () => {
    const { model, tokenizer } = loadGguf(readShared(GGUF));
    expectTypeOf(model).toEqualTypeOf<CausalLM>();
    expectTypeOf(tokenizer).toEqualTypeOf<Tokenizer>();
    expect(tokenizer.vocabSize).toBe(512);
    // The same file with its tokenizer.ggml.model key renamed: the metadata no longer holds a tokenizer.
    const bytes = readShared(GGUF).slice();
    const key = new TextEncoder().encode('tokenizer.ggml.model');
    const at = indexOf(bytes, key);
    expect(at).toBeGreaterThan(0);
    bytes[at] = 'T'.charCodeAt(0);
    expect(() => loadGguf(bytes, 'stories260K-no-vocab.gguf')).toThrow(
      'stories260K-no-vocab.gguf has no tokenizer in its metadata (tokenizer.ggml.model is absent): pass one, loadGguf(bytes, origin, tokenizer)',
    );
    expect(loadGguf(bytes, 'x.gguf', tokenizer).tokenizer).toBe(tokenizer);
  });

  it('a Hugging Face folder without tokenizer.json loads; generate then says what to pass, and requireCausalLM too', async () => {
    const loaded = await loadHuggingFace(hfReader(GPT2));
    expect(loaded.tokenizer).toBeUndefined();
    const { model } = requireCausalLM({ ...loaded, tokenizer: loadLlama2c(readShared(BIN), readShared(TOK)).tokenizer }, GPT2);
    // A JavaScript caller (or a TypeScript one past `!`) hands generate the missing tokenizer.
    const run = async () => {
      for await (const t of generate(model, loaded.tokenizer!, 'hi', { maxTokens: 1 })) void t;
    };
    await expect(run()).rejects.toThrow(/^generate: no tokenizer was given .*: pass a Tokenizer as the second argument, e\.g\. loadTokenizerJson/);
    expect(() => requireCausalLM(loaded, GPT2)).toThrow(`${GPT2} has no tokenizer (no tokenizer.json or tokenizer file beside it): pass one, e.g. fromPretrained(name, { tokenizer: 'path/to/tokenizer.json' })`);
    const bert = await loadHuggingFace(hfReader(BERT));
    expect(() => requireCausalLM(bert, BERT)).toThrow(`${BERT} is a bert encoder: it cannot generate text`);
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe.runIf(haveShared(BIN, TOK))('Node loaders typed by what they are given', () => {
  it('a tokenizer given by path makes the tokenizer a Tokenizer', async () => {
    const { loadModelFromPath, fromPretrained } = await import('../src/node/index');
    const given = await loadModelFromPath(`${sharedDir}/${BIN}`, { tokenizer: `${sharedDir}/${TOK}` });
    expectTypeOf(given.tokenizer).toEqualTypeOf<Tokenizer>();
    expect(given.tokenizer.encode('Once upon a time')).toEqual([1, 403, 407, 261, 378]);
    const found = await fromPretrained(`${sharedDir}/${BIN}`);
    expectTypeOf(found.tokenizer).toEqualTypeOf<Tokenizer | undefined>();
    expect(found.tokenizer?.vocabSize).toBe(512); // tok512.bin beside the .bin, found at run time
  });
});
