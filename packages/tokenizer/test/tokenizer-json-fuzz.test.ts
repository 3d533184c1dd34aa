// A property-based fuzz test of loadTokenizerJson (issue #12): structural lies (wrong types, nulls, duplicate
// ids, huge nesting, bad and hostile regexes) and truncations of small valid files. Every case must either load
// and then encode text into in-range ids, or be refused with a TokenizerFormatError, within a time bound; an
// engine error (TypeError "Cannot read properties…", RangeError "Maximum call stack…") or a hang fails it.
// Fixed seed; FUZZ_RUNS=20000 runs longer, FUZZ_SEED picks another seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteLevelAlphabet, loadTokenizerJson, TokenizerFormatError, type Tokenizer } from '@transformer-kit/tokenizer';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const CASE_MS = 2000;

const byteVocab = () => Object.fromEntries(byteLevelAlphabet().byteToChar.map((c, b) => [c, b]));
const BASES: Record<string, object> = {
  byteLevel: {
    added_tokens: [{ id: 258, content: '<|end|>', special: true }, { id: 259, content: '<think>', special: false }],
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: "(?i:'s|'t)|\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+|\\s+" }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, use_regex: false },
      ],
    },
    post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<|end|>' } }, { Sequence: { id: 'A' } }], special_tokens: { '<|end|>': { id: '<|end|>', ids: [258] } } },
    decoder: { type: 'ByteLevel' },
    model: { type: 'BPE', ignore_merges: true, vocab: { ...byteVocab(), he: 256, hel: 257 }, merges: ['h e', ['he', 'l']] },
  },
  sentencePiece: {
    added_tokens: [{ id: 0, content: '<unk>', special: true }, { id: 1, content: '<s>', special: true }, { id: 2, content: '▁▁', special: false }],
    normalizer: { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
    pre_tokenizer: { type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithPrevious', invert: false },
    post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<s>' } }, { Sequence: { id: 'A' } }], special_tokens: { '<s>': { id: '<s>', ids: [1] } } },
    model: {
      type: 'BPE',
      byte_fallback: true,
      unk_token: '<unk>',
      vocab: { '<unk>': 0, '<s>': 1, '▁▁': 2, ...Object.fromEntries(Array.from({ length: 256 }, (_, b) => [`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, 3 + b])), '▁': 259, h: 260, i: 261, hi: 262, '▁hi': 263 },
      merges: ['h i', '▁ hi'],
    },
  },
  wordPiece: {
    added_tokens: [{ id: 0, content: '[UNK]', special: true }, { id: 1, content: '[CLS]', special: true }, { id: 2, content: '[SEP]', special: true }],
    normalizer: { type: 'BertNormalizer', lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', cls: ['[CLS]', 1], sep: ['[SEP]', 2] },
    model: { type: 'WordPiece', unk_token: '[UNK]', vocab: { '[UNK]': 0, '[CLS]': 1, '[SEP]': 2, hello: 3, '##s': 4 } },
  },
};

const PATHS: Array<Array<string | number>> = [
  [], ['model'], ['model', 'type'], ['model', 'vocab'], ['model', 'vocab', 'h'], ['model', 'vocab', 'hello'], ['model', 'merges'], ['model', 'merges', 0],
  ['model', 'merges', 1], ['model', 'byte_fallback'], ['model', 'unk_token'], ['model', 'ignore_merges'], ['model', 'continuing_subword_prefix'],
  ['model', 'max_input_chars_per_word'], ['added_tokens'], ['added_tokens', 0], ['added_tokens', 1, 'id'], ['added_tokens', 1, 'content'],
  ['added_tokens', 0, 'special'], ['normalizer'], ['normalizer', 'type'], ['pre_tokenizer'], ['pre_tokenizer', 'type'], ['pre_tokenizer', 'pretokenizers'],
  ['pre_tokenizer', 'pretokenizers', 0], ['pre_tokenizer', 'pretokenizers', 0, 'pattern'], ['pre_tokenizer', 'pretokenizers', 0, 'pattern', 'Regex'],
  ['pre_tokenizer', 'pretokenizers', 0, 'behavior'], ['pre_tokenizer', 'pretokenizers', 0, 'invert'], ['pre_tokenizer', 'pattern'], ['pre_tokenizer', 'behavior'],
  ['post_processor'], ['post_processor', 'type'], ['post_processor', 'single'], ['post_processor', 'single', 0], ['post_processor', 'special_tokens'],
  ['post_processor', 'cls'], ['post_processor', 'sep', 1], ['decoder'],
];

const HOSTILE_REGEXES = ['(a+)+$', '(a|a)*b', '(\\s*x?)+y', '((a*)*)*', '(?i)abc', '(?>a)', 'a++', '(?x) a', '\\A', '[', '(?<=a)b', '(?i:[a-z]+)', '', '\\p{Nope}', 'a{2,}?|b'];
const DEEP = '__DEEP__';

const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(null, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER, '', '__proto__', [], {}, [null], [[]], { type: 'Sequence' }, DEEP),
  fc.constantFrom(...HOSTILE_REGEXES).map((Regex) => ({ Regex })),
  fc.constantFrom(...HOSTILE_REGEXES),
  fc.string({ maxLength: 12 }).map((Regex) => ({ Regex })),
);

function setAt(root: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || !(key in node)) return root; // the path is not in this base
    node = node[key] as Record<string | number, unknown>;
  }
  if (node !== null && typeof node === 'object') node[path[path.length - 1]] = value;
  return root;
}

const DEEP_TEXT = '{"type":"Sequence","pretokenizers":['.repeat(30_000) + '{"type":"ByteLevel"}' + ']}'.repeat(30_000);

// a file: a base with up to three lies, serialized (deep nesting spliced in as text), possibly truncated
const tokenizerFile = fc
  .record({
    base: fc.constantFrom(...Object.keys(BASES)),
    lies: fc.array(fc.record({ path: fc.constantFrom(...PATHS), value: hostileValue }), { maxLength: 3 }),
    truncateAt: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 4 }),
  })
  ;

// kept apart from the arbitrary so a counterexample prints as its short recipe, not as the whole file
function fileText({ base, lies, truncateAt }: { base: string; lies: Array<{ path: Array<string | number>; value: unknown }>; truncateAt: number | null }): string {
  let json = structuredClone(BASES[base]) as unknown;
  for (const { path, value } of lies) json = setAt(json, path, structuredClone(value));
  let text = JSON.stringify(json).replaceAll(JSON.stringify(DEEP), DEEP_TEXT);
  if (truncateAt !== null) text = text.slice(0, Math.floor(text.length * truncateAt));
  return text;
}

const TEXTS = ['', 'hello hi', "It's 12345 héllo  \n\t<think>x<|end|> 🤗", 'hi'.repeat(200), '\ud800 lone', ' '.repeat(300) + 'a'];

function encodeAll(tok: Tokenizer): void {
  for (const text of TEXTS) {
    for (const ids of [tok.encode(text), tok.encode(text, { allowedSpecial: 'all', addSpecialTokens: false })]) {
      for (const id of ids) if (!Number.isInteger(id) || id < 0 || id >= tok.vocabSize) throw new Error(`id ${id} out of range for ${JSON.stringify(text)}`);
      tok.decode(ids);
    }
  }
}

describe('tokenizer.json fuzz (structural lies and truncations)', () => {
  it(`accepts or refuses with a TokenizerFormatError, each case within ${CASE_MS} ms (${RUNS} runs, seed ${SEED})`, () => {
    fc.assert(
      fc.property(tokenizerFile, (recipe) => {
        const text = fileText(recipe);
        const t0 = performance.now();
        let tok: Tokenizer | undefined;
        try {
          tok = loadTokenizerJson(text);
        } catch (e) {
          if (!(e instanceof TokenizerFormatError)) throw new Error(`engine error: ${(e as Error).stack}`);
        }
        // NOTE: merges and the byte alphabet are checked when the tables are built, on the first encode
        try {
          if (tok) encodeAll(tok);
        } catch (e) {
          if (!(e instanceof TokenizerFormatError)) throw new Error(`engine error while encoding: ${(e as Error).stack}`);
        }
        const ms = performance.now() - t0;
        expect(ms, `case took ${ms.toFixed(0)} ms`).toBeLessThan(CASE_MS);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 120_000);
});
