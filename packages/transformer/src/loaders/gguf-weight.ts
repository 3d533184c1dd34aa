import { weightDTypeOfGgml, type GgufFile } from '@transformer-kit/tensor';
import { packedHostTensor } from './host-weight';
import type { HostTensor } from './weight-source';

/**
 * The one place a GGUF tensor becomes a checkpoint tensor: a matrix of a weight type (F16, BF16, Q4_0 ... Q6_K)
 * stays packed (a view of the file's bytes, no copy); F32 and vectors are read as float32; an undecodable
 * type (IQ*, TQ*) is a named error when the weight is used.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { readGguf } from '@transformer-kit/tensor';
 * import { ggufWeight } from '@transformer-kit/transformer';
 * const gguf = readGguf(readFileSync('../shared/models/r42m/r42m-Q4_K_M.gguf'));
 * console.log(ggufWeight(gguf, 'blk.0.ffn_down.weight').packed!.dtype); // q6_k
 * ```
 */
export function ggufWeight(gguf: GgufFile, name: string): HostTensor {
  const info = gguf.info(name);
  if (!info) return { shape: [], get data(): Float32Array { return gguf.read(name); } };
  const dtype = weightDTypeOfGgml(info.type);
  if (dtype && info.shape.length === 2) return packedHostTensor(info.shape, dtype, gguf.bytes(name), () => gguf.read(name));
  return { shape: info.shape, data: gguf.read(name) };
}
