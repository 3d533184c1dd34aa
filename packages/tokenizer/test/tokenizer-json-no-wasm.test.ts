// Issue #19: where the engine has no WebAssembly (or refuses the module), loadTokenizerJson reads a file's bytes with
// the JavaScript readers alone, into the same tokenizer (Gemma 3's real file when it is installed).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const file = join(__dirname, '..', '..', '..', 'node_modules', '@lenml', 'tokenizer-gemma3', 'models', 'tokenizer.json');
const texts = ['Hello world', 'naïve café 😀 中文\n\n  tabs\tand "quotes" \\ backslashes', '<start_of_turn>user\nhi<end_of_turn>'];

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('loadTokenizerJson without WebAssembly', () => {
  it.skipIf(!existsSync(file))("reads Gemma 3's file into the tokenizer the WebAssembly reader gives", async () => {
    const bytes = new Uint8Array(readFileSync(file));
    const withWasm = (await import('../src/loaders/load-tokenizer-json')).loadTokenizerJson(bytes);
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const { scanVocab } = await import('../src/loaders/scan-vocab');
    expect(scanVocab(new TextEncoder().encode('{"a": 0}'), 0)?.space).toBeUndefined(); // the JavaScript readers, then
    const without = (await import('../src/loaders/load-tokenizer-json')).loadTokenizerJson(bytes);
    expect(without.vocabSize).toBe(withWasm.vocabSize);
    for (const t of texts) expect(without.encode(t)).toEqual(withWasm.encode(t));
    for (const id of [0, 1, 2, 106, 255, 1000, 100000, 262143]) expect(without.idToToken(id)).toBe(withWasm.idToToken(id));
  });
});
