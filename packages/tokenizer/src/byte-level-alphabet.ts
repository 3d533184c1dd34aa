let alphabet: { byteToChar: string[]; charToByte: Int16Array } | undefined;

/**
 * GPT-2's printable stand-ins for bytes (`Ġ` for a space, `Ċ` for a newline): vocab.json and merges.txt spell
 * tokens with them so every byte string is a visible Unicode string. Built on first use.
 *
 * @example
 * ```ts
 * import { byteLevelAlphabet } from '@transformer-kit/tokenizer';
 * const { byteToChar } = byteLevelAlphabet();
 * console.log(byteToChar[32], byteToChar[10], byteToChar[65]); // Ġ Ċ A
 * ```
 */
export function byteLevelAlphabet(): { byteToChar: string[]; charToByte: Int16Array } {
  if (alphabet) return alphabet;
  const byteToChar: string[] = new Array(256);
  const charToByte = new Int16Array(0x200).fill(-1);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    const code = printable ? b : 256 + extra++;
    byteToChar[b] = String.fromCharCode(code);
    charToByte[code] = b;
  }
  alphabet = { byteToChar, charToByte };
  return alphabet;
}

/**
 * The bytes a byte-level token string stands for, or undefined when it has a character outside the alphabet
 * (an added token such as `<｜begin▁of▁sentence｜>`, which is then decoded as plain UTF-8 text).
 *
 * @example
 * ```ts
 * import { byteLevelToBytes } from '@transformer-kit/tokenizer';
 * console.log(byteLevelToBytes('Ġhi'), byteLevelToBytes('▁hi')); // Uint8Array(3) [ 32, 104, 105 ] undefined
 * ```
 */
export function byteLevelToBytes(token: string): Uint8Array | undefined {
  const { charToByte } = byteLevelAlphabet();
  const out = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    const b = c < charToByte.length ? charToByte[c] : -1;
    if (b < 0) return undefined;
    out[i] = b;
  }
  return out;
}

/**
 * The byte-level spelling of raw bytes (the inverse of {@link byteLevelToBytes}), used for tiktoken rank files.
 *
 * @example
 * ```ts
 * import { bytesToByteLevel } from '@transformer-kit/tokenizer';
 * console.log(bytesToByteLevel(new Uint8Array([32, 104]))); // Ġh
 * ```
 */
export function bytesToByteLevel(bytes: Uint8Array): string {
  const { byteToChar } = byteLevelAlphabet();
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += byteToChar[bytes[i]];
  return s;
}
