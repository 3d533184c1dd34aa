// Issue #12, finding 10 (and its "Also"): structural lies in a tokenizer.json and bad encode options get a
// named error instead of an engine error ("Cannot read properties of null", "Maximum call stack size
// exceeded", "allowed.join is not a function") or a silently overwritten token.
import { describe, expect, it } from 'vitest';
import { byteLevelAlphabet, loadTokenizerJson, TokenizerFormatError } from '@transformer-kit/tokenizer';

function gpt2Like(extra: Record<string, unknown> = {}) {
  const vocab: Record<string, number> = {};
  byteLevelAlphabet().byteToChar.forEach((c, b) => (vocab[c] = b));
  return {
    model: { type: 'BPE', vocab, merges: [] as string[] },
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false },
    decoder: { type: 'ByteLevel' },
    added_tokens: [{ id: 256, content: '<|endoftext|>', special: true }],
    ...extra,
  };
}

describe('tokenizer.json structural lies get named errors', () => {
  it('added_tokens: [null]', () => {
    const load = () => loadTokenizerJson(gpt2Like({ added_tokens: [null] }));
    expect(load).toThrow(TokenizerFormatError);
    expect(load).toThrow('tokenizer.json: added_tokens[0] must be an object with an integer "id" ≥ 0 and a string "content" (got null)');
    expect(() => loadTokenizerJson(gpt2Like({ added_tokens: [{ id: '7', content: 'x' }] }))).toThrow(/added_tokens\[0\] must be an object/);
    expect(() => loadTokenizerJson(gpt2Like({ added_tokens: 'x' }))).toThrow('tokenizer.json: added_tokens must be an array (got string)');
  });

  it('a normalizer nested 20,000 deep', () => {
    // written as text: JSON.stringify itself overflows the stack on 20,000 levels
    const normalizer = '{"type":"Sequence","normalizers":['.repeat(20_000) + '{"type":"NFC"}' + ']}'.repeat(20_000);
    const text = JSON.stringify(gpt2Like({ normalizer: 'HERE' })).replace('"HERE"', normalizer);
    expect(() => loadTokenizerJson(text)).toThrow('tokenizer.json: normalizer is nested more than 64 levels deep');
    expect(() => loadTokenizerJson(JSON.parse(text))).toThrow(TokenizerFormatError);
  });

  it('two tokens sharing an id, in model.vocab or between vocab and added_tokens', () => {
    const json = gpt2Like();
    json.model.vocab['hello'] = 65; // 'A' has id 65
    expect(() => loadTokenizerJson(json)).toThrow(/tokenizer\.json: model\.vocab gives id 65 to both "[A-Za-z]+" and "[A-Za-z]+"/);
    expect(() => loadTokenizerJson(gpt2Like({ added_tokens: [{ id: 65, content: '<x>', special: true }] }))).toThrow(
      'tokenizer.json: added_tokens[0] ("<x>") has id 65, which is already "A"',
    );
  });

  it('a key written twice in model.vocab (JSON.parse would keep the last silently)', () => {
    const text = JSON.stringify(gpt2Like()).replace('"model":{"type":"BPE","vocab":{', '"model":{"type":"BPE","vocab":{"dup":300,"dup":301,');
    expect(() => loadTokenizerJson(text)).toThrow('tokenizer.json: model.vocab has the key "dup" twice');
  });

  it('reads a file the same way as text (fast reader of vocab and merges) and as a parsed object', () => {
    const json = gpt2Like();
    Object.assign(json.model.vocab, { he: 256, hel: 257, '""': 258, '\\\\': 259 });
    json.added_tokens = [{ id: 260, content: '<|endoftext|>', special: true }];
    json.model.merges = ['h e', 'he l', '" "', '\\ \\'] as string[];
    const text = JSON.stringify(json);
    const a = loadTokenizerJson(text);
    const b = loadTokenizerJson(JSON.parse(text));
    for (const t of ['hello', 'a""b', '\\\\x']) expect(a.encode(t)).toEqual(b.encode(t));
    expect(a.encode('\\\\')).toEqual([259]);
    expect(a.encode('hello')).toEqual([257, 108, 111]);
    expect(a.encode('""')).toEqual([258]);
    expect(() => loadTokenizerJson(text.replace('"he l"', '"he zz"'))).toThrow(/model\.merges\[1\] \('he zz'\) uses a token that is not in model\.vocab/);
  });

  it('ids that are not integers, or leave holes', () => {
    const json = gpt2Like();
    (json.model.vocab as Record<string, unknown>)['x'] = 'seven';
    expect(() => loadTokenizerJson(json)).toThrow('tokenizer.json: model.vocab["x"] must be an integer id ≥ 0 (got "seven")');
    const far = gpt2Like();
    far.model.vocab['far'] = 2 ** 30; // would make a 2^30-slot token table before
    expect(() => loadTokenizerJson(far)).toThrow(/model\.vocab\["far"\] = 1073741824 leaves ids unused/);
  });

  it('not an object at all', () => {
    expect(() => loadTokenizerJson('null')).toThrow('tokenizer.json: the file is not a JSON object');
    expect(() => loadTokenizerJson('[1,2]')).toThrow('tokenizer.json: the file is not a JSON object');
  });
});

describe('encode options', () => {
  it('allowedSpecial: 42 is a named TypeError', () => {
    const tok = loadTokenizerJson(gpt2Like());
    const bad = { allowedSpecial: 42 } as unknown as { allowedSpecial: 'all' };
    expect(() => tok.encode('hi', bad)).toThrow(TypeError);
    expect(() => tok.encode('hi', bad)).toThrow("encode options.allowedSpecial must be 'all', 'none' or an array of token strings (got 42)");
    expect(() => tok.encode('hi', { allowedSpecial: [7] as unknown as string[] })).toThrow(/an array with a non-string entry/);
    expect(tok.encode('a<|endoftext|>', { allowedSpecial: ['<|endoftext|>'] })).toEqual([97, 256]);
  });
});
