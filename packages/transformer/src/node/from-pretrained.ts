/**
 * `fromPretrained(name)`: a local path, or a Hugging Face repository (optionally with a path inside it)
 * downloaded into the cache:
 *
 * - `owner/name` or `owner/name/sub/folder`: a Hugging Face folder (config.json + safetensors [+ tokenizer.json]);
 *   a folder without config.json falls back to `<folder>.bin` (llama2.c, with `tok<vocab>.bin` or `tokenizer.bin`
 *   beside it) or `<folder>.gguf` — so `karpathy/tinyllamas/stories260K` is the stories260K checkpoint.
 * - `owner/name/path/model.bin` or `.gguf`: that file.
 */
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { checkTokenizerFitsModel } from '../loaders/check-tokenizer-fits';
import { loadGguf, loadHuggingFace, loadLlama2c, type LoadedModel } from '../loaders/load-model';
import { loadLlama2cTokenizer, type Tokenizer } from '@transformer-kit/tokenizer';
import type { NonFiniteOptions } from '../loaders/finite-weights';
import { hubFile, type HubOptions } from './hub-download';
import { loadModelFromPath } from './load-model-from-path';
import { readRegularFile } from './read-regular-file';

/** Options of {@link fromPretrained}. */
export interface FromPretrainedOptions extends HubOptions, NonFiniteOptions {
  /** A tokenizer file (local path) to use instead of the checkpoint's. */
  readonly tokenizer?: string;
}

/**
 * Resolves a model from a local path or a Hugging Face repository.
 *
 * @example
 * ```ts no-run (needs network: downloads from the Hugging Face hub)
 * import { fromPretrained } from '@transformer-kit/transformer/node';
 * const { model, tokenizer } = await fromPretrained('karpathy/tinyllamas/stories260K', {
 *   onProgress: (p) => console.error(p.phase, p.file, p.loaded, p.total),
 * });
 * ```
 *
 * A local path works the same way, without the network:
 *
 * ```ts
 * import { fromPretrained } from '@transformer-kit/transformer/node';
 * const { config, tokenizer, format } = await fromPretrained('../shared/models/stories260K/stories260K.bin');
 * console.log(format, config.vocabSize, tokenizer?.vocabSize); // llama2c 512 512 (tok512.bin is found beside the .bin)
 * ```
 */
export function fromPretrained(name: string, options: FromPretrainedOptions & { readonly tokenizer: string }): Promise<LoadedModel & { readonly tokenizer: Tokenizer }>;
export function fromPretrained(name: string, options?: FromPretrainedOptions): Promise<LoadedModel>;
export async function fromPretrained(name: string, options: FromPretrainedOptions = {}): Promise<LoadedModel> {
  if (existsSync(name)) return loadModelFromPath(name, options);
  // NOTE: something written as a path (absolute, ./, ../, ~) is never a repository id: say it is missing.
  if (isAbsolute(name) || /^(\.{1,2}|~)([\\/]|$)/.test(name)) throw new Error(`${name} does not exist`);
  const parts = name.split('/').filter(Boolean);
  if (parts.length < 2) throw new Error(`${name} is neither an existing path nor a Hugging Face repository id (owner/name[/path])`);
  const repo = `${parts[0]}/${parts[1]}`;
  const inner = parts.slice(2).join('/');
  const get = (file: string, limits?: { maxBytes?: number }) => hubFile(repo, inner && !file.startsWith(inner + '/') ? `${inner}/${file}` : file, { ...options, maxBytes: Math.min(options.maxBytes ?? Infinity, limits?.maxBytes ?? Infinity) });
  const localTokenizer = async () => {
    if (!options.tokenizer) return undefined;
    return readRegularFile(options.tokenizer);
  };
  if (/\.(bin|gguf)$/.test(inner)) {
    const folder = inner.split('/').slice(0, -1).join('/');
    const bytes = await hubFile(repo, inner, options);
    if (!bytes) throw new Error(`${name}: ${inner} is not in ${repo}`);
    return inner.endsWith('.gguf') ? loadGguf(bytes, inner, undefined, options) : llama2cWithTokenizer(bytes, inner, repo, folder, options, await localTokenizer());
  }
  const config = await get('config.json');
  if (config) {
    const loaded = await loadHuggingFace((file, limits) => (file === 'config.json' ? Promise.resolve(config) : get(file, limits)), options);
    const tok = await localTokenizer();
    if (!tok) return loaded;
    const { loadTokenizerJson } = await import('@transformer-kit/tokenizer');
    const tokenizer = loadTokenizerJson(tok);
    checkTokenizerFitsModel(tokenizer, loaded.config.vocabSize, { model: name, tokenizer: options.tokenizer! });
    return { ...loaded, tokenizer };
  }
  const base = parts[parts.length - 1];
  if (inner) {
    const bin = await get(`${base}.bin`);
    if (bin) return llama2cWithTokenizer(bin, `${inner}/${base}.bin`, repo, inner, options, await localTokenizer());
    const gguf = await get(`${base}.gguf`);
    if (gguf) return loadGguf(gguf, `${inner}/${base}.gguf`, undefined, options);
  }
  throw new Error(`${name}: no config.json${inner ? `, ${base}.bin or ${base}.gguf` : ''} found in ${repo}${inner ? `/${inner}` : ''}`);
}

async function llama2cWithTokenizer(bytes: Uint8Array, file: string, repo: string, folder: string, options: FromPretrainedOptions, given?: Uint8Array): Promise<LoadedModel> {
  const loaded = loadLlama2c(bytes, undefined, file, options);
  let tok = given;
  for (const candidate of [`tok${loaded.config.vocabSize}.bin`, 'tokenizer.bin']) {
    if (tok) break;
    tok = await hubFile(repo, folder ? `${folder}/${candidate}` : candidate, options);
  }
  if (!tok) return loaded;
  const tokenizer = loadLlama2cTokenizer(tok);
  checkTokenizerFitsModel(tokenizer, loaded.config.vocabSize, { model: file, tokenizer: given ? (options.tokenizer ?? 'the tokenizer') : 'the tokenizer beside it', exact: true });
  return { ...loaded, tokenizer };
}
