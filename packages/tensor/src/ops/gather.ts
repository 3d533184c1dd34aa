import { isPackedDType } from '../dtype';
import { formatShape, normalizeAxis } from '../shape';
import type { Tensor } from '../tensor';
import { backendOf3, check, wrap } from './run-kernel';

/**
 * Picks slices of `table` along `axis` at int32 `indices` — the embedding lookup.
 * Output shape: table.shape[:axis] + indices.shape + table.shape[axis+1:]. An index out of range is an error.
 *
 * @example
 * ```ts
 * import { gather, tensor } from '@transformer-kit/tensor';
 * const table = tensor([0, 0, 1, 1, 2, 2], [3, 2]);          // [vocab, dim]
 * const rows = gather(table, tensor([2, 0], [2], 'int32'));   // [2, dim] = [[2, 2], [0, 0]]
 * ```
 */
export function gather(table: Tensor, indices: Tensor, axis = 0): Tensor {
  const ax = normalizeAxis(axis, table.rank);
  check(indices.dtype === 'int32', 'gather', () => `indices must be int32, got ${indices.dtype} ${formatShape(indices.shape)}`);
  const backend = backendOf3('gather', table, indices);
  const packed = isPackedDType(table.dtype);
  check(!packed || ax === 0, 'gather', () => `a ${table.dtype} table is gathered by rows (axis 0), got axis ${axis}`);
  const outShape = [...table.shape.slice(0, ax), ...indices.shape, ...table.shape.slice(ax + 1)];
  // NOTE: rows of a packed weight come out decoded, as float32
  return wrap(backend, backend.gather(table, indices, ax), outShape, packed ? 'float32' : table.dtype);
}
