import { SentencePieceBpe } from '../sentencepiece-bpe';
import { TokenizerFormatError } from '../tokenizer-error';

const KIND = 'llama2.c tokenizer.bin';

/**
 * Builds a Llama tokenizer from llama2.c's `tokenizer.bin` bytes: int32 max_token_length, then per token a
 * float32 score, an int32 length and the piece's bytes (spaces already spelled ' ', not '▁'). The file does not
 * store the vocabulary size (llama2.c takes it from the checkpoint): pass `vocabSize` to check it, otherwise
 * every token up to the end of the file is read. Ids 0/1/2 are `<unk>`/BOS/EOS, as in llama2.c.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { loadLlama2cTokenizer } from '@transformer-kit/tokenizer';
 * // in a browser: new Uint8Array(await (await fetch(url)).arrayBuffer())
 * const llama = loadLlama2cTokenizer(readFileSync('../shared/tokenizers/llama2/tokenizer.bin'), { vocabSize: 32000 });
 * console.log(llama.encode('I believe the meaning of life is')); // [ 1, 306, 4658, 278, 6593, 310, 2834, 338 ]
 * console.log(llama.decode([1, 306, 4658], { skipSpecialTokens: true })); // I believe
 * ```
 */
export function loadLlama2cTokenizer(data: Uint8Array | ArrayBuffer, options: { vocabSize?: number } = {}): SentencePieceBpe {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4) throw new TokenizerFormatError(KIND, `${bytes.byteLength} bytes is too short for the max_token_length header`);
  const maxTokenLength = view.getInt32(0, true);
  if (maxTokenLength <= 0 || maxTokenLength > 1 << 16) throw new TokenizerFormatError(KIND, `implausible max_token_length ${maxTokenLength}; not a tokenizer.bin?`);
  const tokens: string[] = [];
  const scores: number[] = [];
  const utf8 = new TextDecoder();
  let pos = 4;
  while (pos < bytes.byteLength && (options.vocabSize === undefined || tokens.length < options.vocabSize)) {
    const id = tokens.length;
    if (pos + 8 > bytes.byteLength) throw new TokenizerFormatError(KIND, `truncated in the header of token ${id} at byte ${pos} of ${bytes.byteLength}`);
    const score = view.getFloat32(pos, true);
    const length = view.getInt32(pos + 4, true);
    pos += 8;
    if (length < 0 || length > maxTokenLength) throw new TokenizerFormatError(KIND, `token ${id} has length ${length}, outside 0..${maxTokenLength} (max_token_length)`);
    if (pos + length > bytes.byteLength) throw new TokenizerFormatError(KIND, `truncated in token ${id}: needs ${length} bytes at byte ${pos}, the file has ${bytes.byteLength}`);
    tokens.push(utf8.decode(bytes.subarray(pos, pos + length)));
    scores.push(score);
    pos += length;
  }
  if (options.vocabSize !== undefined && tokens.length < options.vocabSize) {
    throw new TokenizerFormatError(KIND, `truncated: ${tokens.length} tokens, expected ${options.vocabSize}`);
  }
  if (tokens.length < 3) throw new TokenizerFormatError(KIND, `only ${tokens.length} tokens; ids 0, 1, 2 must be <unk>, BOS, EOS`);
  return new SentencePieceBpe({
    tokens,
    scores,
    spaceSymbol: ' ',
    specialTokenIds: { unk: 0, bos: 1, eos: 2 },
    fileKind: KIND,
  });
}
