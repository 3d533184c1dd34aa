/**
 * Loads a model from the local file system: a Hugging Face folder (config.json), a `.gguf` file, or a
 * llama2.c `.bin` (with its tokenizer: given, or `tok<vocab>.bin` / `tokenizer.bin` beside it — llama2.c's
 * naming for custom and default vocabularies).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { loadLlama2cTokenizer, type Tokenizer } from '@transformer-kit/tokenizer';
import { checkTokenizerFitsModel } from '../loaders/check-tokenizer-fits';
import { loadGguf, loadHuggingFace, loadLlama2c, type LoadedModel } from '../loaders/load-model';
import type { NonFiniteOptions } from '../loaders/finite-weights';
import type { ProgressCallback } from '../loaders/load-progress';
import { readRegularFile } from './read-regular-file';

/** Options of {@link loadModelFromPath}. */
export interface LoadFromPathOptions extends NonFiniteOptions {
  /** A tokenizer file: llama2.c tokenizer.bin for a `.bin`, tokenizer.json otherwise. */
  readonly tokenizer?: string;
  readonly onProgress?: ProgressCallback;
}

const readBytes = (path: string, maxBytes?: number) => readRegularFile(path, maxBytes);

/**
 * A model from a path: a folder with config.json, a .gguf, or a llama2.c .bin.
 *
 * @example
 * ```ts
 * import { loadModelFromPath } from '@transformer-kit/transformer/node';
 * const { config, tokenizer } = await loadModelFromPath('../shared/models/stories260K/stories260K.bin', {
 *   tokenizer: '../shared/models/stories260K/tok512.bin', // found on its own when it sits beside the .bin
 * });
 * console.log(config.vocabSize, tokenizer.decode([403, 407, 261, 378])); // 512 Once upon a time
 * ```
 */
export function loadModelFromPath(path: string, options: LoadFromPathOptions & { readonly tokenizer: string }): Promise<LoadedModel & { readonly tokenizer: Tokenizer }>;
export function loadModelFromPath(path: string, options?: LoadFromPathOptions): Promise<LoadedModel>;
export async function loadModelFromPath(path: string, options: LoadFromPathOptions = {}): Promise<LoadedModel> {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  const progress = options.onProgress ?? (() => {});
  if (statSync(path).isDirectory()) {
    if (!existsSync(join(path, 'config.json'))) {
      const guess = [`${basename(path)}.gguf`, `${basename(path)}.bin`].map((f) => join(path, f)).find((f) => existsSync(f));
      if (guess) return loadModelFromPath(guess, options);
      throw new Error(`${path} has no config.json (nor a ${basename(path)}.bin / .gguf): not a model folder`);
    }
    const folder = resolve(path);
    const loaded = await loadHuggingFace(async (name, limits) => {
      const file = resolve(folder, name);
      // NOTE: the names come from inside the folder (the shard index); loadHuggingFace checks them, and so does this.
      if (!file.startsWith(folder + sep)) throw new Error(`${path}: refusing ${JSON.stringify(name)}, which is outside the model folder`);
      if (!existsSync(file)) return undefined;
      const bytes = await readBytes(file, limits?.maxBytes);
      progress({ phase: 'read', file: name, loaded: bytes.byteLength, total: bytes.byteLength });
      return bytes;
    }, options);
    if (options.tokenizer) {
      const { loadTokenizerJson } = await import('@transformer-kit/tokenizer');
      const tokenizer = loadTokenizerJson(await readBytes(options.tokenizer));
      checkTokenizerFitsModel(tokenizer, loaded.config.vocabSize, { model: path, tokenizer: options.tokenizer });
      return { ...loaded, tokenizer };
    }
    return loaded;
  }
  const bytes = await readBytes(path);
  progress({ phase: 'read', file: basename(path), loaded: bytes.byteLength, total: bytes.byteLength });
  if (path.endsWith('.gguf') || (bytes.byteLength >= 4 && new TextDecoder().decode(bytes.subarray(0, 4)) === 'GGUF')) {
    return loadGguf(bytes, basename(path), undefined, options);
  }
  if (path.endsWith('.safetensors')) {
    return loadModelFromPath(dirname(path), options);
  }
  const loaded = loadLlama2c(bytes, undefined, basename(path), options);
  const tokenizerPath = options.tokenizer ?? [`tok${loaded.config.vocabSize}.bin`, 'tokenizer.bin'].map((f) => join(dirname(path), f)).find((f) => existsSync(f));
  if (!tokenizerPath) return loaded;
  // NOTE: the whole file (no vocabSize hint): a tokenizer.bin with more tokens than rows is another model's.
  const tokenizerBytes = await readBytes(tokenizerPath);
  let tokenizer;
  try {
    tokenizer = loadLlama2cTokenizer(tokenizerBytes);
  } catch (error) {
    throw new Error(`${tokenizerPath}: ${(error as Error).message}`);
  }
  checkTokenizerFitsModel(tokenizer, loaded.config.vocabSize, { model: path, tokenizer: tokenizerPath, exact: true });
  return { ...loaded, tokenizer };
}
