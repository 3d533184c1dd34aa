import { gather, tensor, type Tensor } from '@transformer-kit/tensor';

/** Token ids as a tensor (int32, any shape) or plain numbers (a 1-D sequence). */
export type TokenIds = Tensor | readonly number[] | Int32Array;

/**
 * @internal Rows of `table` [n, dim] at `ids` → [...ids.shape, dim], after checking every id on the host
 * (a clear error naming the id and the table size, where a backend would read out of bounds or return NaN).
 */
export function lookupRows(owner: string, what: string, range: (n: number) => string, table: Tensor, ids: TokenIds): Tensor {
  const n = table.shape[0];
  const isTensor = !Array.isArray(ids) && !(ids instanceof Int32Array);
  const t = isTensor ? (ids as Tensor) : tensor(Int32Array.from(ids as ArrayLike<number>), [(ids as ArrayLike<number>).length], 'int32', table.backend);
  if (t.dtype !== 'int32') throw new RangeError(`${owner}: ${what}s must be int32, got ${t.dtype} [${t.shape.join(', ')}]`);
  const host = isTensor ? (t.backend.readSync ? t.dataSync() : null) : (ids as ArrayLike<number>);
  if (host) {
    for (let i = 0; i < host.length; i++) {
      const id = host[i];
      if (!Number.isInteger(id) || id < 0 || id >= n) {
        if (!isTensor) t.dispose();
        throw new RangeError(`${owner}: ${what} ${id} (at index ${i}) is out of range for ${range(n)} (valid: 0..${n - 1})`);
      }
    }
  }
  const rows = gather(table, t, 0); // [...ids.shape, dim]
  if (!isTensor) t.dispose();
  return rows;
}
