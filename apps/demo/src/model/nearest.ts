import { nearestTokens as packageNearestTokens } from '@transformer-kit/embedding';
import { createCpuBackend, tensor, type Tensor } from '@transformer-kit/tensor';
import type { Session } from './session';

/** A neighbour in embedding space. */
export interface Neighbour {
  id: number;
  similarity: number;
}

const tables = new WeakMap<Session, Tensor>();

/**
 * The `k` tokens whose embedding rows are closest (cosine) to token `id`'s, by the embedding package's
 * `nearestTokens`. The table lives on a CPU backend of its own: a lookup is quick there and it does not touch
 * the GPU while a generation runs. One thread: the model's backend owns the worker threads.
 */
export async function nearestTokens(session: Session, id: number, k: number): Promise<Neighbour[]> {
  let table = tables.get(session);
  if (!table) {
    table = tensor(session.embeddings, [session.info.vocabSize, session.info.dim], 'float32', createCpuBackend({ threads: 1 })); // [vocab, dim]
    tables.set(session, table);
  }
  const found = await packageNearestTokens(table, id, { k });
  return found.map((n) => ({ id: n.id, similarity: n.score }));
}
