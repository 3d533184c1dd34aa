import { parseByteToken } from './byte-token';
import type { SpecialTokenIds } from './tokenizer';

/**
 * GGUF's (and llama.cpp's) token types, which SentencePiece also uses: only normal and user-defined tokens are
 * built from text, a byte token stands for one raw byte, control tokens (BOS/EOS) are never produced by text.
 *
 * @example
 * ```ts
 * import { TOKEN_TYPE } from '@transformer-kit/tokenizer';
 * console.log(TOKEN_TYPE.byte, TOKEN_TYPE.control); // 6 3
 * ```
 */
export const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

/**
 * Token types for a vocabulary that does not store them (llama2.c's `tokenizer.bin`): `<0xXX>` is a byte token,
 * the unknown id is unknown, BOS/EOS/PAD are control, everything else is normal.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { inferTokenTypes } from './packages/tokenizer/src/token-type';
 * console.log(inferTokenTypes(['<unk>', '<s>', '</s>', '<0x00>', 'a'], { unk: 0, bos: 1, eos: 2 })); // Uint8Array(5) [ 2, 3, 3, 6, 1 ]
 * ```
 */
export function inferTokenTypes(tokens: readonly string[], special: SpecialTokenIds): Uint8Array {
  const types = new Uint8Array(tokens.length).fill(TOKEN_TYPE.normal);
  tokens.forEach((t, id) => {
    if (parseByteToken(t) >= 0) types[id] = TOKEN_TYPE.byte;
  });
  for (const key of ['bos', 'eos', 'pad'] as const) {
    const id = special[key];
    if (id !== undefined && id >= 0 && id < tokens.length) types[id] = TOKEN_TYPE.control;
  }
  if (special.unk !== undefined && special.unk >= 0 && special.unk < tokens.length) types[special.unk] = TOKEN_TYPE.unknown;
  return types;
}
