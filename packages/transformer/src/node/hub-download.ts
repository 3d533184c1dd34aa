/**
 * Downloads files of a Hugging Face repository (`{endpoint}/{repo}/resolve/{revision}/{path}`) into a cache
 * folder, once: a cached file is reused, a download goes to a temporary name and is renamed when complete
 * (an interrupted download never looks cached).
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ProgressCallback } from '../loaders/load-progress';

/** Where and how to download from. */
export interface HubOptions {
  /** The hub's base URL. Default: $TRANSFORMER_KIT_HUB_URL, then $HF_ENDPOINT, then https://huggingface.co. */
  readonly endpoint?: string;
  /** Default: $TRANSFORMER_KIT_CACHE, then ~/.cache/transformer-kit/hub. */
  readonly cacheDir?: string;
  /** Branch, tag or commit. Default 'main'. */
  readonly revision?: string;
  readonly onProgress?: ProgressCallback;
  /** Passed to fetch (cancels a download). */
  readonly signal?: AbortSignal;
}

/**
 * The hub base URL the environment asks for.
 *
 * @example
 * ```ts
 * import { hubEndpoint } from '@transformer-kit/transformer/node';
 * hubEndpoint(); // 'https://huggingface.co' unless HF_ENDPOINT / TRANSFORMER_KIT_HUB_URL say otherwise
 * ```
 */
export function hubEndpoint(options: HubOptions = {}): string {
  return (options.endpoint ?? process.env.TRANSFORMER_KIT_HUB_URL ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
}

function cacheRoot(options: HubOptions): string {
  return options.cacheDir ?? process.env.TRANSFORMER_KIT_CACHE ?? join(homedir(), '.cache', 'transformer-kit', 'hub');
}

/**
 * Returns a file of a repository from the cache, downloading it first if needed; undefined on HTTP 404.
 *
 * @example
 * ```ts no-run (needs network: downloads from the Hugging Face hub)
 * import { hubFile } from '@transformer-kit/transformer/node';
 * const bytes = await hubFile('karpathy/tinyllamas', 'stories260K/tok512.bin'); // cached after the first call
 * console.log(bytes?.byteLength);
 * ```
 */
export async function hubFile(repo: string, path: string, options: HubOptions = {}): Promise<Uint8Array | undefined> {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new Error(`'${repo}' is not a Hugging Face repository id (owner/name)`);
  const revision = options.revision ?? 'main';
  const local = join(cacheRoot(options), repo.replace('/', '--'), revision, ...path.split('/'));
  const missingMarker = `${local}.missing`;
  if (existsSync(local)) return new Uint8Array(await readFile(local));
  if (existsSync(missingMarker)) return undefined;
  const url = `${hubEndpoint(options)}/${repo}/resolve/${encodeURIComponent(revision)}/${path.split('/').map(encodeURIComponent).join('/')}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: options.signal, redirect: 'follow' });
  } catch (error) {
    throw new Error(`cannot download ${url}: ${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause?: Error }).cause!.message})` : ''}`);
  }
  await mkdir(dirname(local), { recursive: true });
  if (response.status === 404) {
    // NOTE: remember the absence so optional files (tokenizer.json, the sharded index) are not asked for again.
    await rm(missingMarker, { force: true });
    await new Promise<void>((resolve, reject) => createWriteStream(missingMarker).on('error', reject).end('', resolve));
    return undefined;
  }
  if (!response.ok || !response.body) throw new Error(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get('content-length')) || undefined;
  const partial = `${local}.${process.pid}.partial`;
  const out = createWriteStream(partial);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      if (!out.write(value)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      options.onProgress?.({ phase: 'download', file: path, loaded, total });
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (total !== undefined && loaded !== total) throw new Error(`cannot download ${url}: got ${loaded} of ${total} bytes`);
    await rename(partial, local);
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return bytes;
}
