/**
 * Turns ids into text one at a time, emitting only complete UTF-8 characters: a character split over several
 * byte tokens (an emoji in GPT-2, `<0xF0><0x9F>…` in Llama) comes out whole once its last byte arrives.
 *
 * @example
 * ```ts
 * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
 * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
 * const stream = gpt2.createStreamingDecoder();
 * let text = '';
 * for (const id of gpt2.encode('naïve 🤗')) text += stream.push(id);
 * text += stream.flush();
 * console.log(text); // naïve 🤗
 * ```
 */
export class StreamingDecoder {
  // NOTE: TextDecoder's stream mode already holds back an incomplete sequence and replaces invalid bytes
  // with U+FFFD exactly as a one-shot decode would, in browsers and in Node alike.
  private utf8 = new TextDecoder('utf-8');
  private previous: number | undefined = undefined;

  constructor(private readonly bytesOf: (id: number, previousId: number | undefined) => Uint8Array) {}

  /**
   * Feed one id; returns the text that became complete (possibly '').
   *
   * @example
   * ```ts
   * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
   * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
   * const stream = gpt2.createStreamingDecoder();
   * console.log(stream.push(15496), stream.push(995)); // Hello  world
   * ```
   */
  push(id: number): string {
    const bytes = this.bytesOf(id, this.previous);
    this.previous = id;
    return bytes.length === 0 ? '' : this.utf8.decode(bytes, { stream: true });
  }

  /**
   * End of stream: an unfinished character becomes U+FFFD.
   *
   * @example
   * ```ts
   * import { readGpt2Files } from '@transformer-kit/tokenizer/node';
   * const gpt2 = await readGpt2Files('../shared/tokenizers/gpt2');
   * const stream = gpt2.createStreamingDecoder();
   * const ids = gpt2.encode('🤗'); // [ 8582, 97, 245 ]: three tokens for one character
   * console.log(JSON.stringify(stream.push(ids[0]) + stream.push(ids[1]) + stream.flush())); // "�"
   * ```
   */
  flush(): string {
    this.previous = undefined;
    return this.utf8.decode();
  }
}
