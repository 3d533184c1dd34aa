/**
 * A checkpoint's tensors by name, as host float32 arrays: what every loader produces and every model
 * consumes (a weight may stay packed: `HostTensor.packed`). Names follow Hugging Face's state-dict names (`model.layers.0.self_attn.q_proj.weight`), so a
 * llama2.c or GGUF checkpoint is renamed into the same vocabulary and one model file reads them all.
 */
import type { WeightDType } from '@transformer-kit/tensor';

/** One tensor's host values and row-major shape. */
export interface HostTensor {
  /** The values as float32 (for a packed weight, decoded when first read). */
  readonly data: Float32Array;
  readonly shape: readonly number[];
  /**
   * Set when the checkpoint's weight is kept as the file stores it (f16/bf16, ggml's quantized blocks): a model
   * makes a `weightTensor` of these bytes instead of expanding `data`.
   */
  readonly packed?: { readonly dtype: WeightDType; readonly bytes: Uint8Array };
}

/**
 * Tensors by name; `get` throws an error naming the missing tensor (and the checkpoint it came from).
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { readLlama2c, type WeightSource } from '@transformer-kit/transformer';
 * const { weights }: { weights: WeightSource } = readLlama2c(readFileSync('../shared/models/stories260K/stories260K.bin'));
 * console.log(weights.has('model.norm.weight'), weights.get('model.norm.weight').shape); // true [ 64 ]
 * try {
 *   weights.get('lm_head.bias');
 * } catch (e) {
 *   console.log((e as Error).message); // llama2.c checkpoint: missing tensor 'lm_head.bias'
 * }
 * ```
 */
export interface WeightSource {
  /** Where the tensors came from, for error messages: 'stories260K.bin', 'model.safetensors', ... */
  readonly origin: string;
  readonly names: readonly string[];
  /** Whether the checkpoint holds a tensor of this name. */
  has(name: string): boolean;
  /** The tensor of this name (read or converted on demand); throws naming it and the origin when it is missing. */
  get(name: string): HostTensor;
}

/**
 * A WeightSource over host tensors computed on demand (or already in memory).
 *
 * @example
 * ```ts
 * import { weightSource } from '@transformer-kit/transformer';
 * const w = weightSource('inline', { 'norm.weight': () => ({ data: new Float32Array([1, 1]), shape: [2] }) });
 * w.get('norm.weight').shape; // [2]
 * ```
 */
export function weightSource(origin: string, entries: Record<string, () => HostTensor>): WeightSource {
  const names = Object.keys(entries);
  return {
    origin,
    names,
    has: (name) => Object.prototype.hasOwnProperty.call(entries, name),
    get(name) {
      if (!Object.prototype.hasOwnProperty.call(entries, name)) {
        const near = names.filter((n) => n.split('.').slice(-2).join('.') === name.split('.').slice(-2).join('.')).slice(0, 3);
        throw new Error(`${origin}: missing tensor '${name}'${near.length ? ` (similar names present: ${near.join(', ')})` : ''}`);
      }
      return entries[name]();
    },
  };
}

/**
 * Checks a tensor's shape, naming the tensor when it does not match what the config implies.
 *
 * @example
 * ```ts
 * import { expectShape } from '@transformer-kit/transformer';
 * expectShape('wte.weight', { data: new Float32Array(6), shape: [3, 2] }, [3, 2]);
 * ```
 */
export function expectShape(name: string, t: HostTensor, shape: readonly number[]): HostTensor {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`tensor '${name}' has shape [${t.shape.join(', ')}] but the config implies [${shape.join(', ')}]`);
  }
  return t;
}

/**
 * A view of `source` that also finds each name under one of `prefixes` (Hugging Face saves a bare
 * `GPT2Model` as `h.0...` but `GPT2LMHeadModel` as `transformer.h.0...`; BERT heads add `bert.`).
 *
 * @example
 * ```ts
 * import { weightSource, withPrefixes } from '@transformer-kit/transformer';
 * const source = weightSource('inline', { 'transformer.wte.weight': () => ({ data: new Float32Array(6), shape: [3, 2] }) });
 * const w = withPrefixes(source, ['transformer.']);
 * console.log(w.has('wte.weight'), w.get('wte.weight').shape); // true [ 3, 2 ]
 * ```
 */
export function withPrefixes(source: WeightSource, prefixes: readonly string[]): WeightSource {
  const resolve = (name: string): string | undefined => {
    if (source.has(name)) return name;
    for (const p of prefixes) if (source.has(p + name)) return p + name;
    return undefined;
  };
  return {
    origin: source.origin,
    names: source.names,
    has: (name) => resolve(name) !== undefined,
    get: (name) => source.get(resolve(name) ?? name),
  };
}

/**
 * The transpose of a host matrix [rows, cols] → [cols, rows] (GPT-2's Conv1D stores [in, out]).
 *
 * @example
 * ```ts
 * import { transposeHost } from '@transformer-kit/transformer';
 * transposeHost({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] }).data; // [1, 4, 2, 5, 3, 6]
 * ```
 */
export function transposeHost(t: HostTensor): HostTensor {
  if (t.shape.length !== 2) throw new RangeError(`transposeHost: expected a matrix, got [${t.shape.join(', ')}]`);
  const [rows, cols] = t.shape;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = t.data[r * cols + c];
  return { data: out, shape: [cols, rows] };
}
