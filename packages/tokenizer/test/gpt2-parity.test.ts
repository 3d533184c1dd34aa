import { readFileSync } from 'node:fs';
import { encode as gptTokenizerEncode } from 'gpt-tokenizer/encoding/r50k_base';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGpt2Files, loadTiktokenRanks, type ByteLevelBpe } from '@transformer-kit/tokenizer';
import { buildTokenizerCorpus } from '../../../bench/tokenizer-corpus.mjs';
import { missing, repoRoot, shared, toWellFormed } from './helpers/shared';

const encoderJson = shared('tokenizers', 'gpt2', 'encoder.json');
const vocabBpe = shared('tokenizers', 'gpt2', 'vocab.bpe');

/** Index of the first difference of two id arrays, or -1. */
function firstDifference(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function expectSameIds(ours: number[], theirs: number[], tok: ByteLevelBpe, peer: string) {
  const at = firstDifference(ours, theirs);
  const context = at < 0 ? '' : `first difference at token ${at}: ours ${JSON.stringify(tok.decode(ours.slice(Math.max(0, at - 5), at + 5)))}`;
  expect({ peer, at, context }).toEqual({ peer, at: -1, context: '' });
}

describe.skipIf(missing(encoderJson, vocabBpe))('GPT-2 against js-tiktoken and gpt-tokenizer on a ≥2 MB corpus', () => {
  let tok: ByteLevelBpe;
  let corpus: string;
  let ours: number[];
  const jsTiktoken = new Tiktoken(gpt2Ranks);

  beforeAll(() => {
    tok = loadGpt2Files(readFileSync(encoderJson, 'utf8'), readFileSync(vocabBpe, 'utf8'));
    corpus = buildTokenizerCorpus(repoRoot);
    ours = tok.encode(corpus);
  });

  it('the corpus is at least 2 MB of UTF-8', () => {
    expect(new TextEncoder().encode(corpus).length).toBeGreaterThanOrEqual(2_000_000);
  });

  it('gives the ids js-tiktoken gives (gpt2 ranks)', () => {
    // special tokens in the corpus (this repo's own docs mention <|endoftext|>) are ordinary text on both sides
    expectSameIds(ours, jsTiktoken.encode(corpus, [], []), tok, 'js-tiktoken');
  });

  it("gives the ids gpt-tokenizer's r50k_base gives", () => {
    expectSameIds(ours, gptTokenizerEncode(corpus, { disallowedSpecial: new Set() }), tok, 'gpt-tokenizer');
  });

  it('decode(encode(x)) === x for the whole corpus, and the streaming decoder agrees', () => {
    expect(tok.decode(ours) === corpus).toBe(true);
    const stream = tok.createStreamingDecoder();
    const parts: string[] = [];
    for (const id of ours) parts.push(stream.push(id));
    parts.push(stream.flush());
    expect(parts.join('') === corpus).toBe(true);
  });

  it('a tiktoken rank file of the same vocabulary gives the same ids', () => {
    // r50k_base.tiktoken is GPT-2's encoder.json written as base64(bytes) + ' ' + rank per line
    const encoder = JSON.parse(readFileSync(encoderJson, 'utf8')) as Record<string, number>;
    const lines = Object.entries(encoder)
      .filter(([t]) => t !== '<|endoftext|>')
      .map(([t, id]) => `${btoa(String.fromCharCode(...tok.tokenBytes(tok.tokenToId(t)!, undefined)))} ${id}`);
    const fromRanks = loadTiktokenRanks(lines.join('\n') + '\n', { pattern: 'gpt2', specialTokens: { '<|endoftext|>': 50256 } });
    const slice = corpus.slice(0, 400_000);
    expectSameIds(fromRanks.encode(slice), jsTiktoken.encode(slice, [], []), tok, 'js-tiktoken via tiktoken ranks');
  });

  it('encodes lone surrogates as the peers do (as U+FFFD), without throwing', () => {
    const texts = ['a\ud800b', '\udc00', 'x \ud83d', '\ud83d\ud83d\ude00', 'end\ud800', ' \udfff\ud800 ', "'\ud800s"];
    for (const t of texts) {
      expect(tok.encode(t), JSON.stringify(t)).toEqual(jsTiktoken.encode(t, [], []));
      expect(tok.encode(t), JSON.stringify(t)).toEqual(gptTokenizerEncode(t));
      expect(tok.decode(tok.encode(t))).toBe(toWellFormed(t));
    }
  });

  it('turns <|endoftext|> into its id only when allowed, like the peers', () => {
    const text = 'a<|endoftext|>b';
    expect(tok.encode(text, { allowedSpecial: 'all' })).toEqual(jsTiktoken.encode(text, 'all'));
    expect(tok.encode(text)).toEqual(jsTiktoken.encode(text, [], []));
    expect(tok.decode(tok.encode(text, { allowedSpecial: ['<|endoftext|>'] }))).toBe(text);
  });
});
