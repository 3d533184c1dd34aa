/**
 * What a hub name means, whatever fetches the files (Node's download cache, or fetch + Cache Storage in a
 * browser): `owner/name[/folder]` is a Hugging Face folder (config.json + safetensors [+ tokenizer.json]); a
 * folder without config.json falls back to `<folder>.bin` (llama2.c, with `tok<vocab>.bin` or `tokenizer.bin`
 * beside it) or `<folder>.gguf`; `owner/name/path/model.bin` or `.gguf` is that file.
 */
import { loadLlama2cTokenizer } from '@transformer-kit/tokenizer';
import { loadGguf, loadHuggingFace, loadLlama2c, type LoadedModel } from '../loaders/load-model';
import type { ProgressCallback } from '../loaders/load-progress';

/** Reads one file of a repository by its path inside it; undefined when the hub has no such file (404). */
export type HubFileReader = (path: string) => Promise<Uint8Array | undefined>;

/** A hub name split into the repository id and the path inside it. */
export function parseHubName(name: string): { repo: string; inner: string } {
  const parts = name.split('/').filter(Boolean);
  if (parts.length < 2) throw new Error(`${name} is not a Hugging Face repository id (owner/name[/path])`);
  return { repo: `${parts[0]}/${parts[1]}`, inner: parts.slice(2).join('/') };
}

/**
 * Loads the model a hub name stands for, reading its files through `get` (paths inside the repository).
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { loadFromHub } from '@transformer-kit/transformer';
 * // a stand-in for the hub: karpathy/tinyllamas/<path> read from ../shared/models/<path>
 * const get = (path: string) => readFile(`../shared/models/${path}`).then((b) => new Uint8Array(b), () => undefined);
 * const { format, tokenizer } = await loadFromHub('karpathy/tinyllamas/stories260K', get);
 * console.log(format, tokenizer?.vocabSize); // llama2c 512 (stories260K.bin and tok512.bin in the folder)
 * ```
 */
export async function loadFromHub(name: string, get: HubFileReader, options: { onProgress?: ProgressCallback } = {}): Promise<LoadedModel> {
  const { repo, inner } = parseHubName(name);
  const inFolder = (folder: string, file: string) => (folder ? `${folder}/${file}` : file);
  if (/\.(bin|gguf)$/.test(inner)) {
    const bytes = await get(inner);
    if (!bytes) throw new Error(`${name}: ${inner} is not in ${repo}`);
    const folder = inner.split('/').slice(0, -1).join('/');
    return inner.endsWith('.gguf') ? loadGguf(bytes, inner) : llama2cWithTokenizer(bytes, inner, folder, get);
  }
  const config = await get(inFolder(inner, 'config.json'));
  if (config) return loadHuggingFace((file) => (file === 'config.json' ? Promise.resolve(config) : get(inFolder(inner, file))), options);
  const base = inner.split('/').pop() ?? '';
  if (inner) {
    const bin = await get(`${inner}/${base}.bin`);
    if (bin) return llama2cWithTokenizer(bin, `${inner}/${base}.bin`, inner, get);
    const gguf = await get(`${inner}/${base}.gguf`);
    if (gguf) return loadGguf(gguf, `${inner}/${base}.gguf`);
  }
  throw new Error(`${name}: no config.json${inner ? `, ${base}.bin or ${base}.gguf` : ''} found in ${repo}${inner ? `/${inner}` : ''}`);
}

async function llama2cWithTokenizer(bytes: Uint8Array, file: string, folder: string, get: HubFileReader): Promise<LoadedModel> {
  const loaded = loadLlama2c(bytes, undefined, file);
  for (const candidate of [`tok${loaded.config.vocabSize}.bin`, 'tokenizer.bin']) {
    const tok = await get(folder ? `${folder}/${candidate}` : candidate);
    if (tok) return { ...loaded, tokenizer: loadLlama2cTokenizer(tok, { vocabSize: loaded.config.vocabSize }) };
  }
  return loaded;
}
