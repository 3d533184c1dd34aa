// `tokenizer.ggml.pre` picks the pre-tokenizer as llama.cpp does; the families' GGUF files (stories260K's
// SentencePiece vocabulary) tokenize the prompt as llama.cpp's own run of each file did.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { byteLevelAlphabet, loadGgufTokenizer, TokenizerFormatError } from '@transformer-kit/tokenizer';
import { readGgufMetadata } from './helpers/read-gguf-metadata';
import { missing, shared } from './helpers/shared';

const gpt2Gguf = shared('tokenizers', 'llama.cpp', 'ggml-vocab-gpt-2.gguf');

// a byte-level GGUF vocabulary whose only merges are 'Ġ 1' and '3 4': they show where pieces were cut
function byteVocab(pre: string | undefined): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    'tokenizer.ggml.model': 'gpt2',
    'tokenizer.ggml.tokens': [...byteLevelAlphabet().byteToChar, 'Ġ1', '34'],
    'tokenizer.ggml.merges': ['Ġ 1', '3 4'],
  };
  if (pre !== undefined) meta['tokenizer.ggml.pre'] = pre;
  return meta;
}

describe('tokenizer.ggml.pre', () => {
  it('names an unknown pre-tokenizer in the error', () => {
    const load = () => loadGgufTokenizer(byteVocab('my-own-bpe'));
    expect(load).toThrow(TokenizerFormatError);
    expect(load).toThrow(/GGUF tokenizer metadata: tokenizer\.ggml\.pre: unknown pre-tokenizer 'my-own-bpe' \(llama\.cpp knows: default, llama3, .*qwen2.*\); pass options\.pattern/);
    expect(() => loadGgufTokenizer(byteVocab('kimi-k2'))).toThrow(/'kimi-k2' is hand-written code in llama\.cpp/);
    expect(() => loadGgufTokenizer({ ...byteVocab(undefined), 'tokenizer.ggml.pre': 7 })).toThrow(/tokenizer\.ggml\.pre must be a string/);
    expect(loadGgufTokenizer(byteVocab('my-own-bpe'), { pattern: 'gpt2' }).kind).toBe('byte-level-bpe');
  });

  it("uses llama.cpp's 'default' regex list when the key is missing: digits are cut into runs of three", () => {
    const [space, one, two, three, four, five, spaceOne, threeFour] = [0x20, 0x31, 0x32, 0x33, 0x34, 0x35, 256, 257];
    // 'gpt-2': ' 12345' is one piece, so both merges apply
    expect(loadGgufTokenizer(byteVocab('gpt-2')).encode(' 12345')).toEqual([spaceOne, two, threeFour, five]);
    // 'default': \p{N}+ cuts ' ' from '12345', then [0-9][0-9][0-9] cuts '123' from '45': no merge fits any piece
    const expected = [space, one, two, three, four, five];
    expect(loadGgufTokenizer(byteVocab('default')).encode(' 12345')).toEqual(expected);
    expect(loadGgufTokenizer(byteVocab(undefined)).encode(' 12345')).toEqual(expected);
  });

  it('compiles every regex list and keeps every character (decode(encode(x)) === x)', () => {
    const names = ['default', 'llama-bpe', 'llama3', 'deepseek-llm', 'deepseek-coder', 'deepseek-v3', 'falcon', 'mpt', 'starcoder', 'gpt-2', 'refact',
      'command-r', 'qwen2', 'stablelm2', 'olmo', 'dbrx', 'smaug-bpe', 'poro-chat', 'chatglm-bpe', 'viking', 'jais', 'tekken', 'smollm', 'codeshell',
      'bloom', 'gpt3-finnish', 'exaone', 'chameleon', 'minerva-7b', 'megrez', 'gpt-4o', 'llama4', 'bailingmoe', 'seed-coder', 'hunyuan', 'grok-2'];
    const text = "Hello, World! It's 1234567 — naïve 中文 café\n\n\tIMGIMGABZ <sentinel:3>  x  ";
    for (const name of names) {
      const tok = loadGgufTokenizer(byteVocab(name));
      expect(tok.decode(tok.encode(text, { addSpecialTokens: false })), name).toBe(text);
    }
  });

  it.skipIf(missing(gpt2Gguf))("reads 'gpt-2' from llama.cpp's GPT-2 vocabulary", () => {
    const meta = readGgufMetadata(readFileSync(gpt2Gguf));
    expect(meta['tokenizer.ggml.pre']).toBe('gpt-2');
    expect(loadGgufTokenizer(meta).encode('Hello world')).toEqual([15496, 995]);
  });
});

const families = ['qwen2', 'phi3', 'gemma', 'gemma2'];
describe.each(families)('families/%s-tiny.gguf', (family) => {
  const gguf = shared('models', 'families', `${family}-tiny.gguf`);
  const reference = shared('models', 'families', `${family}-tiny.llama.cpp.json`);
  it.skipIf(missing(gguf, reference))("tokenizes the prompt as llama.cpp's run of the file did (BOS included)", () => {
    const { prompt, prompt_ids } = JSON.parse(readFileSync(reference, 'utf8')) as { prompt: string; prompt_ids: number[] };
    const tok = loadGgufTokenizer(readGgufMetadata(readFileSync(gguf)));
    expect(tok.encode(prompt)).toEqual(prompt_ids);
  });
});
