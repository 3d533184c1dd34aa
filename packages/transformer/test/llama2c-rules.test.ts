// Issue #12, finding 8: llama2.c headers were checked only for "file too short"; a header that needs fewer
// bytes than the file holds (n_layers 5→4, dim 64→32, trailing garbage) loaded misaligned weights. The file
// must now have exactly the size the header implies, for both classifier variants (vocab_size > 0: shared
// with the embedding; < 0: an unshared classifier after the weights), and the header follows the shared rules.
import { describe, expect, it } from 'vitest';
import { readLlama2c } from '../src/index';
import { expectAcceptedOrNamedError, fc, fuzzParameters, mutatedBytes, type ByteField } from '../../../test-support/fuzz';
import { haveShared, readShared } from './shared-data';

const FIELDS = ['dim', 'hidden_dim', 'n_layers', 'n_heads', 'n_kv_heads', 'vocab_size', 'seq_len'];
const HEADER: ByteField[] = FIELDS.map((name, i) => ({ name, offset: 4 * i, size: 4 }));

function withField(bytes: Uint8Array, field: string, value: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setInt32(4 * FIELDS.indexOf(field), value, true);
  return out;
}

describe.runIf(haveShared('models/stories260K/stories260K.bin', 'fixtures/models/llama-tiny/model.llama2c.bin'))('llama2.c header rules', () => {
  const shared = readShared('models/stories260K/stories260K.bin'); // vocab_size 512 > 0: shared classifier
  const unshared = readShared('fixtures/models/llama-tiny/model.llama2c.bin'); // vocab_size -89: unshared

  it('accepts both real files, whose sizes are exactly what their headers imply', () => {
    expect(readLlama2c(shared).config.tiedEmbeddings).toBe(true);
    expect(readLlama2c(unshared).config.tiedEmbeddings).toBe(false);
  });

  it('refuses a header that needs fewer bytes than the file holds (the misaligned loads of the finding)', () => {
    expect(() => readLlama2c(withField(shared, 'n_layers', 4), 'stories260K.bin')).toThrow(
      'stories260K.bin: the header (dim 64, hidden_dim 172, 4 layers, 8 heads, 4 kv heads, vocab 512, seq_len 512, shared classifier) implies exactly 874780 bytes but the file has 1056540 (181760 bytes too many)',
    );
    expect(() => readLlama2c(withField(shared, 'dim', 32), 'stories260K.bin')).toThrow(/^stories260K\.bin: the header \(dim 32, .*\) implies exactly \d+ bytes but the file has 1056540/);
    const garbage = new Uint8Array(shared.length + 3);
    garbage.set(shared);
    expect(() => readLlama2c(garbage, 'stories260K.bin')).toThrow('implies exactly 1056540 bytes but the file has 1056543 (3 bytes too many)');
  });

  it('checks the unshared variant too, and says when the sign of vocab_size is what is wrong', () => {
    expect(() => readLlama2c(unshared.subarray(0, unshared.length - 4), 'tiny.bin')).toThrow(/^tiny\.bin: file is truncated: .*unshared classifier\) needs 105372 bytes but the file has 105368/);
    expect(() => readLlama2c(withField(unshared, 'vocab_size', 89), 'tiny.bin')).toThrow(
      /^tiny\.bin: the header \(.*shared classifier\) implies exactly 93980 bytes but the file has 105372 \(11392 bytes too many: the extra bytes are exactly an unshared classifier, so vocab_size should be negative\)/,
    );
    expect(() => readLlama2c(withField(shared, 'vocab_size', -512), 'stories260K.bin')).toThrow(/file is truncated: .*unshared classifier\) needs 1187612 bytes/);
  });

  it.each([
    ['n_heads', 3, 'stories260K.bin: n_heads = 3 does not divide dim = 64'],
    ['n_kv_heads', 3, 'stories260K.bin: n_kv_heads = 3 does not divide n_heads = 8'],
    ['n_heads', 64, 'stories260K.bin: the head size dim / n_heads = 1 must be even (RoPE turns pairs of dimensions)'],
    ['seq_len', 2 ** 24, 'stories260K.bin: seq_len = 16777216 is over the context limit of 1048576 positions (2^20)'],
    ['n_layers', 0, 'stories260K.bin: header field n_layers = 0 must be positive: is this a llama2.c .bin?'],
    ['dim', -64, 'stories260K.bin: header field dim = -64 must be positive'],
  ])('refuses %s = %d', (field, value, message) => {
    expect(() => readLlama2c(withField(shared, field, value), 'stories260K.bin')).toThrow(message);
  });

  it('fuzz: truncations, flips and header-field lies are accepted with the same config and tensors, or refused by name', async () => {
    const original = readLlama2c(unshared, 'tiny.bin');
    const names = original.weights.names;
    const outcomes = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(mutatedBytes(unshared, HEADER), async ({ mutation, bytes }) => {
        const outcome = await expectAcceptedOrNamedError(() => readLlama2c(bytes, 'tiny.bin'), {
          named: /^tiny\.bin: /,
          accept: (r) => {
            // Only a change inside the data can keep the file valid: the header (config) must be untouched
            // and every tensor must hold the mutated file's bytes at the original offsets.
            expect(r.config).toEqual(original.config);
            expect(r.weights.names).toEqual(names);
            const at = mutation.kind === 'flip' ? mutation.at : -1;
            if (at >= 28) {
              const changed = names.filter((n) => !Buffer.from(r.weights.get(n).data.buffer).equals(Buffer.from(original.weights.get(n).data.buffer)));
              // A byte belongs to one tensor (unshared classifier: nothing is read twice), or to the unused RoPE tables.
              expect(changed.length).toBeLessThanOrEqual(1);
            }
          },
        });
        outcomes[outcome]++;
      }),
      fuzzParameters(500),
    );
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
