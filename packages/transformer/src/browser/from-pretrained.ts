/**
 * `fromPretrained` for browsers: the same hub names as the Node one, the files fetched from
 * `{endpoint}/{repo}/resolve/{revision}/{path}` and kept in Cache Storage, so a second load makes no request.
 */
import type { LoadedModel } from '../loaders/load-model';
import type { ProgressCallback } from '../loaders/load-progress';
import { hubFileUrl } from '../hub/hub-file-url';
import { loadFromHub } from '../hub/load-from-hub';

/** Options of the browser {@link fromPretrained}. */
export interface BrowserPretrainedOptions {
  /** The hub's base URL, as HF_ENDPOINT is in Node. Default https://huggingface.co. */
  readonly endpoint?: string;
  /** Branch, tag or commit. Default 'main'. */
  readonly revision?: string;
  /** The Cache Storage cache the files go to, or false to fetch every time. Default 'transformer-kit-hub'. */
  readonly cache?: string | false;
  /** Progress per file: `download` events with the file's path, bytes so far and its size when known. */
  readonly onProgress?: ProgressCallback;
  /** Cancels the downloads. */
  readonly signal?: AbortSignal;
}

/**
 * Loads a model from the Hugging Face hub (or a server with its layout) in a browser: `owner/name[/folder]`
 * or `owner/name/path/model.bin|.gguf`, as the Node `fromPretrained` reads them. Works where `fetch` does;
 * caches where Cache Storage exists (secure contexts: https, localhost).
 *
 * @example
 * ```ts no-run (a browser API: fetch and Cache Storage; the Chromium test runs it against a local hub)
 * import { generate, requireCausalLM } from '@transformer-kit/transformer';
 * import { fromPretrained } from '@transformer-kit/transformer/browser';
 * const loaded = await fromPretrained('karpathy/tinyllamas/stories260K', {
 *   onProgress: (p) => console.log(p.file, p.loaded, p.total),
 * });
 * const { model, tokenizer } = requireCausalLM(loaded);
 * for await (const t of generate(model, tokenizer, 'Once upon a time', { maxTokens: 20 })) console.log(t.text);
 * ```
 */
export async function fromPretrained(name: string, options: BrowserPretrainedOptions = {}): Promise<LoadedModel> {
  const endpoint = options.endpoint ?? 'https://huggingface.co';
  const cacheName = options.cache ?? 'transformer-kit-hub';
  const cache = cacheName !== false && typeof caches !== 'undefined' ? await caches.open(cacheName) : undefined;
  const repo = name.split('/').filter(Boolean).slice(0, 2).join('/');
  const get = async (path: string): Promise<Uint8Array | undefined> => {
    const url = hubFileUrl(endpoint, repo, path, options.revision);
    const cached = await cache?.match(url);
    if (cached) return new Uint8Array(await cached.arrayBuffer());
    let response: Response;
    try {
      response = await fetch(url, { signal: options.signal, redirect: 'follow' });
    } catch (error) {
      throw new Error(`cannot download ${url}: ${(error as Error).message}`);
    }
    if (response.status === 404) return undefined;
    if (!response.ok || !response.body) throw new Error(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
    const bytes = await readWithProgress(response, path, url, options.onProgress);
    // NOTE: only complete files are cached: an interrupted download never looks cached.
    await cache?.put(url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) } }));
    return bytes;
  };
  return loadFromHub(name, get, options);
}

async function readWithProgress(response: Response, file: string, url: string, onProgress?: ProgressCallback): Promise<Uint8Array<ArrayBuffer>> {
  const total = Number(response.headers.get('content-length')) || undefined;
  let loaded = 0;
  // The body passes through a counter on its way into one buffer: a progress event per chunk.
  const counted = response.body!.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        loaded += chunk.byteLength;
        onProgress?.({ phase: 'download', file, loaded, total });
        controller.enqueue(chunk);
      },
    }),
  );
  const bytes = new Uint8Array(await new Response(counted).arrayBuffer());
  if (total !== undefined && bytes.byteLength !== total) throw new Error(`cannot download ${url}: got ${bytes.byteLength} of ${total} bytes`);
  return bytes;
}
