/**
 * Weights from Hugging Face safetensors: one `model.safetensors`, or the shards a
 * `model.safetensors.index.json` lists (`weight_map`: tensor name → shard file). F32 tensors are read as
 * float32; F16 and BF16 matrices stay 16-bit (`HostTensor.packed`, 2 bytes a weight, widened in the kernel),
 * other F16/BF16 tensors are widened (the tensor package's reader does the decoding).
 */
import { readSafetensors, SAFETENSORS_MAX_HEADER_BYTES, type SafetensorsFile } from '@transformer-kit/tensor';
import { packedHostTensor } from './host-weight';
import { assertRelativePath } from './relative-path-problem';
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
 * names a file by a plain relative name inside the repository (no `..`, absolute path, drive letter or
 * backslash: see {@link assertRelativePath}) before anything is read or downloaded.
 *
 * @example
 * ```ts
 * import { shardFilesOf } from '@transformer-kit/transformer';
 * shardFilesOf({ weight_map: { 'a.weight': 'model-00001-of-00002.safetensors' } }); // ['model-00001-of-00002.safetensors']
 * ```
 */
export function shardFilesOf(index: unknown): string[] {
  const map = (index as { weight_map?: unknown } | null)?.weight_map;
  if (!map || typeof map !== 'object' || Array.isArray(map)) throw new Error('model.safetensors.index.json: no "weight_map" object');
  const files = new Set<string>();
  for (const [name, file] of Object.entries(map as Record<string, unknown>)) {
    if (typeof file !== 'string' || !file) throw new Error(`model.safetensors.index.json: weight_map['${name}'] is not a file name`);
    assertRelativePath('model.safetensors.index.json', `weight_map['${name}']`, file);
    files.add(file);
  }
  return [...files];
}

/**
 * The most bytes one shard of a `model.safetensors.index.json` can have: its `metadata.total_size` (the bytes
 * of all tensors) plus the largest header the format allows; undefined when the index does not say.
 *
 * @example
 * ```ts
 * import { shardSizeLimit } from '@transformer-kit/transformer';
 * console.log(shardSizeLimit({ metadata: { total_size: 1000 }, weight_map: {} })); // 100001008
 * ```
 */
export function shardSizeLimit(index: unknown): number | undefined {
  const total = (index as { metadata?: { total_size?: unknown } } | null)?.metadata?.total_size;
  return typeof total === 'number' && Number.isSafeInteger(total) && total >= 0 ? total + 8 + SAFETENSORS_MAX_HEADER_BYTES : undefined;
}
