import type { GgufFile } from './read-gguf';
import type { HostTensor } from './weight-source';

/**
 * The one place a GGUF tensor becomes a model weight: a lazy reader of tensor `name` (its values, and its
 * shape in PyTorch's [out, in] order), used by every GGUF architecture's reader.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { ggufWeight, readGguf } from '@transformer-kit/transformer';
 * const gguf = readGguf(readFileSync('../shared/models/stories260K/stories260K.gguf'));
 * const norm = ggufWeight(gguf, 'output_norm.weight')();
 * console.log(norm.shape, norm.data.length); // [ 64 ] 64
 * ```
 */
export function ggufWeight(gguf: GgufFile, name: string): () => HostTensor {
  return () => ({ data: gguf.read(name), shape: gguf.info(name)!.shape });
}
