/**
 * Weights from Hugging Face safetensors: one `model.safetensors`, or the shards a
 * `model.safetensors.index.json` lists (`weight_map`: tensor name → shard file). F32 tensors are read as
 * float32; F16 and BF16 matrices stay 16-bit (`HostTensor.packed`, 2 bytes a weight, widened in the kernel),
 * other F16/BF16 tensors are widened (the tensor package's reader does the decoding).
 */
import { readSafetensors, type SafetensorsFile } from '@transformer-kit/tensor';
import { packedHostTensor } from './host-weight';
import type { HostTensor, WeightSource } from './weight-source';

/**
 * A WeightSource over one or more safetensors files (shards); a name found in none is an error naming it.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { safetensorsWeights } from '@transformer-kit/transformer';
 * // several shards: one entry per file of model.safetensors.index.json
 * const weights = safetensorsWeights({ 'model.safetensors': readFileSync('../shared/fixtures/models/gpt2-tiny/model.safetensors') });
 * console.log(weights.names.length, weights.get('wte.weight').shape); // 28 [ 97, 32 ]
 * ```
 */
export function safetensorsWeights(files: Readonly<Record<string, ArrayBuffer | ArrayBufferView>>): WeightSource {
  const parsed = new Map<string, SafetensorsFile>();
  const raw = new Map<string, Uint8Array>();
  const where = new Map<string, string>();
  for (const [fileName, bytes] of Object.entries(files)) {
    let file: SafetensorsFile;
    try {
      file = readSafetensors(bytes);
    } catch (error) {
      throw new Error(`${fileName}: ${(error as Error).message}`);
    }
    parsed.set(fileName, file);
    raw.set(fileName, bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    for (const name of file.names) where.set(name, fileName);
  }
  const origin = Object.keys(files).join(', ') || 'safetensors';
  return {
    origin,
    names: [...where.keys()],
    has: (name) => where.has(name),
    get(name): HostTensor {
      const fileName = where.get(name);
      if (fileName === undefined) throw new Error(`${origin}: missing tensor '${name}'`);
      const file = parsed.get(fileName)!;
      const entry = file.entry(name)!;
      if (entry.dtype !== 'float32') throw new Error(`${fileName}: tensor '${name}' is ${entry.fileDType}, not a float type`);
      const half = entry.fileDType === 'F16' ? 'float16' : entry.fileDType === 'BF16' ? 'bfloat16' : null;
      if (half && entry.shape.length === 2) {
        // a copy of the 16-bit bytes (aligned, independent of the file), decoded to float32 only if asked
        return packedHostTensor(entry.shape, half, raw.get(fileName)!.slice(entry.begin, entry.end), () => file.read(name) as Float32Array);
      }
      return { data: file.read(name) as Float32Array, shape: entry.shape };
    },
  };
}

/**
 * The shard file names of a `model.safetensors.index.json`, checking that every entry of its weight_map
 * names a file.
 *
 * @example
 * ```ts
 * import { shardFilesOf } from '@transformer-kit/transformer';
 * shardFilesOf({ weight_map: { 'a.weight': 'model-00001-of-00002.safetensors' } }); // ['model-00001-of-00002.safetensors']
 * ```
 */
export function shardFilesOf(index: unknown): string[] {
  const map = (index as { weight_map?: unknown } | null)?.weight_map;
  if (!map || typeof map !== 'object') throw new Error('model.safetensors.index.json: no "weight_map" object');
  const files = new Set<string>();
  for (const [name, file] of Object.entries(map as Record<string, unknown>)) {
    if (typeof file !== 'string' || !file) throw new Error(`model.safetensors.index.json: weight_map['${name}'] is not a file name`);
    files.add(file);
  }
  return [...files];
}
