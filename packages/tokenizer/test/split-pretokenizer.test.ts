// Hugging Face's Split behaviours, against the example in the tokenizers documentation of
// `SplitDelimiterBehavior` ("the-final--countdown" split on "-"), and #12 finding 6: a Split pattern that does
// not match the text must not make the text disappear.
import { describe, expect, it } from 'vitest';
import { byteLevelAlphabet, loadTokenizerJson, TokenizerFormatError, type SplitBehavior } from '@transformer-kit/tokenizer';
import { splitPieces } from '../src/split-pretokenizer';

const pieces = (text: string, behavior: SplitBehavior, pattern: RegExp, invert = false) => {
  const out: string[] = [];
  splitPieces(text, 0, text.length, [{ regex: pattern, behavior, invert }], (s, e) => out.push(text.slice(s, e)));
  return out;
};

describe('Split behaviours (Hugging Face tokenizers documentation, SplitDelimiterBehavior)', () => {
  const text = 'the-final--countdown';
  it.each([
    ['Removed', ['the', 'final', 'countdown']],
    ['Isolated', ['the', '-', 'final', '-', '-', 'countdown']],
    ['MergedWithPrevious', ['the-', 'final-', '-', 'countdown']],
    ['MergedWithNext', ['the', '-final', '-', '-countdown']],
    ['Contiguous', ['the', '-', 'final', '--', 'countdown']],
  ] as const)('%s', (behavior, expected) => {
    expect(pieces(text, behavior, /-/gu)).toEqual(expected);
  });

  it('invert acts on the unmatched spans: Removed + invert keeps only the matches', () => {
    expect(pieces('a1b22', 'Removed', /\d+/gu, true)).toEqual(['1', '22']);
    expect(pieces('a1b22', 'Isolated', /\d+/gu, true)).toEqual(['a', '1', 'b', '22']);
  });

  it('keeps every character when nothing matches (finding 6 returned [] here)', () => {
    for (const behavior of ['Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'] as const) {
      expect(pieces('Hello world', behavior, /\d+/gu).join('')).toBe('Hello world');
    }
  });
});

// a byte-level BPE tokenizer.json with no merges: every byte is its own token, so ids show the pieces' bytes
function byteLevelJson(preTokenizer: object) {
  const vocab: Record<string, number> = {};
  byteLevelAlphabet().byteToChar.forEach((c, b) => (vocab[c] = b));
  return { model: { type: 'BPE', vocab, merges: [] }, pre_tokenizer: { type: 'Sequence', pretokenizers: [preTokenizer, { type: 'ByteLevel', use_regex: false }] }, decoder: { type: 'ByteLevel' } };
}

describe('tokenizer.json Split pre-tokenizers (issue #12, finding 6)', () => {
  it('encodes text the pattern does not match instead of dropping it', () => {
    const tok = loadTokenizerJson(byteLevelJson({ type: 'Split', pattern: { Regex: '\\d+' }, behavior: 'Isolated', invert: false }));
    const ids = tok.encode('Hello world');
    expect(ids).toEqual(Array.from(new TextEncoder().encode('Hello world')));
    expect(tok.decode(ids)).toBe('Hello world');
  });

  it('drops exactly what Removed says to drop', () => {
    const tok = loadTokenizerJson(byteLevelJson({ type: 'Split', pattern: { String: ' ' }, behavior: 'Removed', invert: false }));
    expect(tok.decode(tok.encode('a b  c'))).toBe('abc');
  });

  it('refuses a pattern that can backtrack catastrophically, naming it, before any text is seen', () => {
    const load = () => loadTokenizerJson(byteLevelJson({ type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false }));
    expect(load).toThrow(TokenizerFormatError);
    expect(load).toThrow(/Split regex "\(a\+\)\+\$" can backtrack catastrophically \(the group '\(a\+\)' at offset 0 repeats \('\+'\) and contains a repetition\)/);
    expect(() => loadTokenizerJson(byteLevelJson({ type: 'Split', pattern: { Regex: '(a|a)*b' }, behavior: 'Isolated' }))).toThrow(/contains an alternation/);
  });

  it('names an unknown behaviour, a bad pattern and a regex JavaScript cannot run', () => {
    expect(() => loadTokenizerJson(byteLevelJson({ type: 'Split', pattern: { Regex: 'a' }, behavior: 'Sideways' }))).toThrow(
      /pre_tokenizer step 0 \(Split\): behavior "Sideways" is not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous/,
    );
    expect(() => loadTokenizerJson(byteLevelJson({ type: 'Split', pattern: 42, behavior: 'Isolated' }))).toThrow(/pattern must be \{"Regex": "…"\} or \{"String": "…"\}/);
    expect(() => loadTokenizerJson(byteLevelJson({ type: 'Split', pattern: { Regex: 'a++' }, behavior: 'Isolated' }))).toThrow(/possessive quantifier/);
    expect(() => loadTokenizerJson(byteLevelJson({ type: 'Split', pattern: { Regex: '(' }, behavior: 'Isolated' }))).toThrow(/not valid in JavaScript/);
  });

  it('translates (?i:…) groups, classes and ranges included', () => {
    const tok = loadTokenizerJson(byteLevelJson({ type: 'Split', pattern: { Regex: "(?i:'s|[a-c]x)" }, behavior: 'Removed', invert: true }));
    expect(tok.decode(tok.encode("it'S AX bx Cx dx"))).toBe("'SAXbxCx");
  });
});
