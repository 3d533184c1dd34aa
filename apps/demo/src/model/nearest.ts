import { nearestTokens as packageNearestTokens } from '@transformer-kit/embedding';
import { createCpuBackend, tensor, type Tensor } from '@transformer-kit/tensor';
import type { ModelInfo } from './types';

/** A neighbour in embedding space. */
export interface Neighbour {
  id: number;
  similarity: number;
}

const tables = new WeakMap<ModelInfo, Tensor>();

/**
 * The `k` tokens whose embedding rows are closest (cosine) to token `id`'s, by the embedding package's
 * `nearestTokens`. The table lives on a CPU backend of its own: a lookup over 512 rows is instant there and it
 * does not touch the GPU while a generation runs.
 */
export async function nearestTokens(info: ModelInfo, id: number, k: number): Promise<Neighbour[]> {
  let table = tables.get(info);
  if (!table) {
    table = tensor(info.embeddings, [info.vocabSize, info.dim], 'float32', createCpuBackend()); // [vocab, dim]
    tables.set(info, table);
  }
  const found = await packageNearestTokens(table, id, { k });
  return found.map((n) => ({ id: n.id, similarity: n.score }));
}
