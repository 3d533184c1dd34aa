/** Progress of one download: bytes so far and the total when the server said (Content-Length). */
export interface DownloadProgress {
  url: string;
  loaded: number;
  total: number | null;
}

/**
 * Downloads `url` into an ArrayBuffer, reporting progress as the body streams in. A failed request is an error
 * naming the URL and the HTTP status (a 404 on a typo'd URL should not surface as "file is truncated").
 */
export async function fetchBytes(url: string, onProgress?: (p: DownloadProgress) => void, signal?: AbortSignal): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    throw new Error(`Could not download ${url}: ${(error as Error).message} (offline, or the server does not allow cross-origin requests?)`);
  }
  if (!response.ok) throw new Error(`Could not download ${url}: HTTP ${response.status} ${response.statusText}`.trim());
  const header = response.headers.get('Content-Length');
  // NOTE: a compressed response's Content-Length counts compressed bytes; then the total is only a hint.
  const total = header && !response.headers.get('Content-Encoding') ? Number(header) : null;
  if (!response.body) {
    const buffer = await response.arrayBuffer();
    onProgress?.({ url, loaded: buffer.byteLength, total: buffer.byteLength });
    return buffer;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress?.({ url, loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  onProgress?.({ url, loaded, total: loaded });
  return bytes.buffer;
}

/** Reads a user-picked file, reporting progress (files are local: this is quick, but big GGUFs exist). */
export async function readFileBytes(file: File, onProgress?: (p: DownloadProgress) => void): Promise<ArrayBuffer> {
  onProgress?.({ url: file.name, loaded: 0, total: file.size });
  const buffer = await file.arrayBuffer();
  onProgress?.({ url: file.name, loaded: buffer.byteLength, total: buffer.byteLength });
  return buffer;
}

/** "1.2 MB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
