/**
 * Downloads files of a Hugging Face repository (`{endpoint}/{repo}/resolve/{revision}/{path}`) into a cache
 * folder, once: a cached file is reused, a download goes to a temporary name and is renamed when complete
 * (an interrupted download never looks cached). A hostile or broken hub cannot make it write outside the
 * cache (every path is checked to be a plain relative name first), hang it (connect and idle timeouts) or
 * feed it more bytes than announced (Content-Length, or the caller's `maxBytes`).
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { ProgressCallback } from '../loaders/load-progress';
import { hubFileUrl } from '../hub/hub-file-url';
import { relativePathProblem } from '../loaders/relative-path-problem';
import { readRegularFile } from './read-regular-file';

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
  /** Milliseconds to wait for the response headers. Default: $TRANSFORMER_KIT_CONNECT_TIMEOUT_MS, then 30000. */
  readonly connectTimeoutMs?: number;
  /** Milliseconds to wait for the next chunk of a body. Default: $TRANSFORMER_KIT_IDLE_TIMEOUT_MS, then 60000. */
  readonly idleTimeoutMs?: number;
  /** The most bytes one file may have (a larger Content-Length, or more bytes than this, is refused). */
  readonly maxBytes?: number;
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

function timeout(given: number | undefined, variable: string, fallback: number): number {
  const ms = given ?? (process.env[variable] ? Number(process.env[variable]) : fallback);
  if (!(ms > 0) || !Number.isFinite(ms)) throw new Error(`${given !== undefined ? 'the timeout' : `$${variable}`} must be a positive number of milliseconds, got ${given ?? process.env[variable]}`);
  return ms;
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
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo) || relativePathProblem(repo)) throw new Error(`'${repo}' is not a Hugging Face repository id (owner/name)`);
  const revision = options.revision ?? 'main';
  // NOTE: checked before any read or write: a name from a hostile index must not choose a path outside the cache.
  for (const [what, value] of [['file', path], ['revision', revision]]) {
    const problem = relativePathProblem(value);
    if (problem) throw new Error(`${repo}: refusing the ${what} name ${JSON.stringify(value)}: ${problem} (it must be a plain relative name inside the repository)`);
  }
  const root = resolve(cacheRoot(options));
  const local = resolve(root, repo.replace('/', '--'), revision, ...path.split('/'));
  if (!local.startsWith(root + sep)) throw new Error(`${repo}: ${path} would be written outside the cache ${root}`);
  const missingMarker = `${local}.missing`;
  // a cached file is read as a local one (up to 4 GiB, in pieces: fs.readFile stops at 2 GiB - 1)
  if (existsSync(local)) return readRegularFile(local, options.maxBytes);
  if (existsSync(missingMarker)) return undefined;
  const url = hubFileUrl(hubEndpoint(options), repo, path, revision);
  const connectMs = timeout(options.connectTimeoutMs, 'TRANSFORMER_KIT_CONNECT_TIMEOUT_MS', 30_000);
  const idleMs = timeout(options.idleTimeoutMs, 'TRANSFORMER_KIT_IDLE_TIMEOUT_MS', 60_000);
  // One controller aborts the request: the caller's signal, or a timer that is re-armed on every chunk.
  const controller = new AbortController();
  let stalled: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number, what: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = `${what} within ${ms} ms`;
      controller.abort(new Error(stalled));
    }, ms);
  };
  const onCallerAbort = () => controller.abort(options.signal!.reason);
  if (options.signal?.aborted) onCallerAbort();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const fail = (error: unknown): Error => {
    if (stalled) return new Error(`cannot download ${url}: timed out: no ${stalled} (raise connectTimeoutMs / idleTimeoutMs or $TRANSFORMER_KIT_CONNECT_TIMEOUT_MS / $TRANSFORMER_KIT_IDLE_TIMEOUT_MS)`);
    const cause = (error as { cause?: Error }).cause;
    return new Error(`cannot download ${url}: ${(error as Error).message}${cause ? ` (${cause.message})` : ''}`);
  };
  try {
    arm(connectMs, 'response');
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    } catch (error) {
      throw fail(error);
    }
    await mkdir(dirname(local), { recursive: true });
    if (response.status === 404) {
      // NOTE: remember the absence so optional files (tokenizer.json, the sharded index) are not asked for again.
      await response.body?.cancel().catch(() => {});
      await rm(missingMarker, { force: true });
      await new Promise<void>((resolve, reject) => createWriteStream(missingMarker).on('error', reject).end('', resolve));
      return undefined;
    }
    if (!response.ok || !response.body) throw new Error(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
    const announced = response.headers.get('content-length');
    const total = announced !== null && /^\d+$/.test(announced) ? Number(announced) : undefined;
    const limit = Math.min(total ?? Infinity, options.maxBytes ?? Infinity);
    if (total !== undefined && total > limit) throw new Error(`cannot download ${url}: Content-Length ${total} is over the limit of ${limit} bytes`);
    return await receive(response.body, { url, path, local, limit, total, onProgress: options.onProgress, onChunk: () => arm(idleMs, 'data'), fail });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}

/** Streams a body to `<local>.<pid>.partial`, renamed to `local` once complete; refuses bytes past `limit`. */
async function receive(
  body: ReadableStream<Uint8Array>,
  d: { url: string; path: string; local: string; limit: number; total?: number; onProgress?: ProgressCallback; onChunk: () => void; fail: (error: unknown) => Error },
): Promise<Uint8Array> {
  const partial = `${d.local}.${process.pid}.partial`;
  const out = createWriteStream(partial);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      d.onChunk();
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw d.fail(error);
      }
      if (chunk.done) break;
      loaded += chunk.value.byteLength;
      if (loaded > d.limit) throw new Error(`cannot download ${d.url}: the server sent more than the ${d.limit} bytes ${d.total === d.limit ? 'it announced' : 'allowed'}`);
      chunks.push(chunk.value);
      if (!out.write(chunk.value)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      d.onProgress?.({ phase: 'download', file: d.path, loaded, total: d.total });
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (d.total !== undefined && loaded !== d.total) throw new Error(`cannot download ${d.url}: got ${loaded} of ${d.total} bytes`);
    await rename(partial, d.local);
  } catch (error) {
    await reader.cancel().catch(() => {});
    // NOTE: wait for the stream to close: a destroy before its file is open would let the open land after rm.
    await new Promise<void>((resolve) => {
      if (out.closed) return resolve();
      out.once('close', () => resolve());
      out.destroy();
    });
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
