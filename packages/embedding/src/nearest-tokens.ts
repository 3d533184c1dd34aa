/**
 * Nearest tokens: which rows of an embedding table point the most in the direction of a vector (or of another
 * token's row), by cosine similarity. The usual way to look at what an embedding has learned.
 */
import { gather, matmul, tensor, tidy, type Tensor } from '@transformer-kit/tensor';
import { l2Normalize } from './similarity';
import { TokenEmbedding } from './token-embedding';

/** One neighbour. */
export interface TokenNeighbour {
  /** Token id (row of the table). */
  id: number;
  /** Cosine similarity to the query, in [−1, 1]. */
  score: number;
}

/** Options of `nearestTokens`. */
export interface NearestTokensOptions {
  /** How many neighbours. Default 10. */
  readonly k?: number;
  /** Leave the query token itself out (when the query is a token id). Default true. */
  readonly excludeSelf?: boolean;
}

/**
 * The `k` tokens whose rows have the highest cosine similarity with `query`: a vector [dim], or a token id
 * (its own row, itself left out by default). Sorted best first; ties keep the lower id first.
 *
 * @example
 * ```ts
 * import { nearestTokens, TokenEmbedding } from '@transformer-kit/embedding';
 * const emb = TokenEmbedding.random(512, 64, { seed: 1 });
 * const neighbours = await nearestTokens(emb, 42, { k: 5 }); // [{ id, score }, ...] × 5
 * ```
 */
export async function nearestTokens(table: Tensor | TokenEmbedding, query: Tensor | number, options: NearestTokensOptions = {}): Promise<TokenNeighbour[]> {
  const weight = table instanceof TokenEmbedding ? table.weight : table;
  if (weight.rank !== 2) throw new RangeError(`nearestTokens: the table must be [vocab, dim], got [${weight.shape.join(', ')}]`);
  const [vocab, dim] = weight.shape;
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`nearestTokens: k must be an integer ≥ 1, got ${k}`);
  if (typeof query === 'number' && (!Number.isInteger(query) || query < 0 || query >= vocab)) {
    throw new RangeError(`nearestTokens: token id ${query} is out of range for a vocabulary of ${vocab} tokens`);
  }
  if (typeof query !== 'number' && query.size !== dim) {
    throw new RangeError(`nearestTokens: the query vector must have ${dim} elements, got [${query.shape.join(', ')}]`);
  }
  const scores = tidy(() => {
    const q = typeof query === 'number' ? gather(weight, tensor([query], [1], 'int32', weight.backend), 0) : query.reshape([1, dim]); // [1, dim]
    return matmul(l2Normalize(q), l2Normalize(weight), { transposeB: true }).reshape([vocab]); // [1, dim] · [vocab, dim]ᵀ → [vocab]
  });
  const values = await scores.data();
  scores.dispose();
  const skip = typeof query === 'number' && (options.excludeSelf ?? true) ? query : -1;
  const ids: number[] = [];
  for (let i = 0; i < vocab; i++) if (i !== skip) ids.push(i);
  ids.sort((a, b) => values[b] - values[a] || a - b);
  return ids.slice(0, k).map((id) => ({ id, score: values[id] }));
}
