// Token strings by id from a vocabulary read off a file's bytes ({@link ScannedVocab}) and `added_tokens`, with the
// checks of tokensById (ids contiguous from 0, no id given to two tokens) and its messages, but no string per
// token: an id maps to its key's number, and the string is cut from the vocabulary's text when it is asked for.
import type { TokenList } from '../token-list';
import { TokenizerFormatError } from '../tokenizer-error';
import type { ScannedVocab } from './scan-vocab';
import type { AddedToken } from './tokenizer-json-checks';

const KIND = 'tokenizer.json';

/**
 * The {@link TokenList} of a scanned vocabulary and the added tokens; the same tokens, and the same errors, as
 * tokensById on the vocabulary's keys.
 *
 * @example
 * ```ts
 * // internal helpers (not exported by the package), imported here from their source files
 * import { scanVocab } from './packages/tokenizer/src/loaders/scan-vocab';
 * import { vocabTokenList } from './packages/tokenizer/src/loaders/vocab-token-list';
 * const vocab = scanVocab(new TextEncoder().encode('{"b": 1, "a": 0}'), 0)!;
 * const tokens = vocabTokenList(vocab, [{ id: 2, content: '<s>', special: true }]);
 * console.log(tokens.length, tokens.at(0), tokens.at(2), tokens.indexOf('b')); // 3 a <s> 1
 * try {
 *   vocabTokenList(scanVocab(new TextEncoder().encode('{"a": 0, "b": 0}'), 0)!, []);
 * } catch (e) {
 *   console.log((e as Error).message); // tokenizer.json: model.vocab gives id 0 to both "a" and "b"
 * }
 * ```
 */
export function vocabTokenList(vocab: ScannedVocab, added: readonly AddedToken[]): TokenList {
  const { ids, count } = vocab;
  const limit = count + added.length;
  // id → key number; -1 no token; -2 - i the added token addedOnly[i] (an id that no key has)
  // NOTE: a vocabulary written in id order (Gemma 3's, Llama 3's: key k has id k) needs no map for its keys
  // (in chunks: a function the engine optimizes once for every load, see readPieces in sentencepiece-bpe.ts)
  let inOrder = true;
  for (let k = 0, chunk = 64; k < count && inOrder; k += chunk, chunk = 4096) inOrder = idsInOrder(ids, k, Math.min(count, k + chunk));
  const keyOf = new Int32Array(inOrder ? limit - count : limit).fill(-1);
  const base = inOrder ? count : 0;
  if (!inOrder) {
    for (let k = 0; k < count; k++) {
      const id = ids[k];
      if (id >= limit) throw new TokenizerFormatError(KIND, `model.vocab[${JSON.stringify(vocab.key(k))}] = ${id} leaves ids unused (${limit} tokens; ids must be contiguous from 0)`);
      const other = keyOf[id];
      if (other !== -1) throw new TokenizerFormatError(KIND, `model.vocab gives id ${id} to both ${JSON.stringify(vocab.key(other))} and ${JSON.stringify(vocab.key(k))}`);
      keyOf[id] = k;
    }
  }
  const keyAt = (id: number) => (id < base ? id : keyOf[id - base]);
  const fromAdded = new Map<number, string>();
  const addedOnly: string[] = [];
  added.forEach((a, i) => {
    if (a.id >= limit) throw new TokenizerFormatError(KIND, `added_tokens[${i}] (${JSON.stringify(a.content)}) has id ${a.id}, which leaves ids unused (ids must be contiguous from 0)`);
    const k = keyAt(a.id);
    const inVocab = k >= 0 ? vocab.key(k) : undefined;
    const seen = fromAdded.get(a.id);
    if ((seen !== undefined && seen !== a.content) || (seen === undefined && inVocab !== undefined && inVocab !== a.content)) {
      throw new TokenizerFormatError(KIND, `added_tokens[${i}] (${JSON.stringify(a.content)}) has id ${a.id}, which is already ${JSON.stringify(seen ?? inVocab)}`);
    }
    fromAdded.set(a.id, a.content);
    if (k === -1) {
      keyOf[a.id - base] = -2 - addedOnly.length;
      addedOnly.push(a.content);
    }
  });
  let size = limit;
  while (size > base && keyOf[size - 1 - base] === -1) size--;
  for (let i = base; i < size; i++) if (keyOf[i - base] === -1) throw new TokenizerFormatError(KIND, `no token has id ${i} (ids must be contiguous)`);
  return new VocabTokens(vocab, keyOf, base, size, addedOnly, fromAdded);
}

// the tokens of vocabTokenList: id < base is key id; otherwise keyOf[id - base] is a key number or -2 - i for
// addedOnly[i]
// NOTE: a class, not closures: the engine compiles calls of its methods once for every load (see ArrayTokens)
class VocabTokens implements TokenList {
  constructor(
    private readonly vocab: ScannedVocab,
    private readonly keyOf: Int32Array,
    private readonly base: number,
    readonly length: number,
    private readonly addedOnly: readonly string[],
    private readonly fromAdded: ReadonlyMap<number, string>,
  ) {}

  at(id: number): string {
    const k = id < this.base ? id : this.keyOf[id - this.base];
    return k >= 0 ? this.vocab.key(k) : this.addedOnly[-2 - k];
  }

  units(id: number): number {
    const k = id < this.base ? id : this.keyOf[id - this.base];
    return k >= 0 ? this.vocab.units(k) : this.addedOnly[-2 - k].length;
  }

  unitAt(id: number, index: number): number {
    const k = id < this.base ? id : this.keyOf[id - this.base];
    return k >= 0 ? this.vocab.unitAt(k, index) : this.addedOnly[-2 - k].charCodeAt(index);
  }

  indexOf(token: string): number {
    // the first id: the key's, or an added token's that no key has
    const k = this.vocab.keyNumber(token);
    let best = k >= 0 ? this.vocab.ids[k] : -1;
    for (const [id, content] of this.fromAdded) {
      if (content === token && (best < 0 || id < best) && (id < this.base ? id : this.keyOf[id - this.base]) < 0) best = id;
    }
    return best;
  }
}

// whether ids[k] is k for every k in [from, to)
function idsInOrder(ids: Int32Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (ids[k] !== k) return false;
  return true;
}
