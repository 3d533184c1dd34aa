/**
 * An independent port of llama2.c's `encode` (run.c), used as the browser test's oracle for the token panel:
 * BOS, a dummy-prefix " " token when the text is non-empty, one token per UTF-8 code point (or its bytes as
 * <0xXX> tokens, ids 3..258), then repeatedly merge the adjacent pair whose concatenation is in the vocabulary
 * with the highest score (the first such pair on ties, as run.c's strict `>` does).
 *
 * Deliberately written from run.c, not from the tokenizer package, so the demo is checked against the
 * algorithm rather than against itself.
 */
export interface Llama2cVocab {
  pieces: string[];
  scores: number[];
}

/** Reads llama2.c's tokenizer file: int32 max_token_length, then per token float32 score, int32 length, bytes. */
export function readLlama2cVocab(bytes: Uint8Array, vocabSize: number): Llama2cVocab {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const pieces: string[] = [];
  const scores: number[] = [];
  let pos = 4;
  for (let i = 0; i < vocabSize; i++) {
    scores.push(view.getFloat32(pos, true));
    const length = view.getInt32(pos + 4, true);
    pos += 8;
    pieces.push(decoder.decode(bytes.subarray(pos, pos + length)));
    pos += length;
  }
  return { pieces, scores };
}

export function llama2cEncode(vocab: Llama2cVocab, text: string): number[] {
  const lookup = new Map<string, number>();
  vocab.pieces.forEach((p, i) => {
    if (!lookup.has(p)) lookup.set(p, i);
  });
  const tokens: number[] = [1]; // BOS
  if (text !== '') tokens.push(lookup.get(' ')!);
  for (const ch of text) {
    const id = lookup.get(ch);
    if (id !== undefined) tokens.push(id);
    else for (const byte of new TextEncoder().encode(ch)) tokens.push(byte + 3);
  }
  for (;;) {
    let bestScore = -1e10;
    let bestId = -1;
    let bestIndex = -1;
    // Index 0 is BOS: run.c merges over the whole list, but "<s>" + anything is never in the vocabulary.
    for (let i = 0; i < tokens.length - 1; i++) {
      const id = lookup.get(vocab.pieces[tokens[i]] + vocab.pieces[tokens[i + 1]]);
      if (id !== undefined && vocab.scores[id] > bestScore) {
        bestScore = vocab.scores[id];
        bestId = id;
        bestIndex = i;
      }
    }
    if (bestIndex === -1) break;
    tokens.splice(bestIndex, 2, bestId);
  }
  return tokens;
}
