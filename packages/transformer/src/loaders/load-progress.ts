/**
 * A progress event while a model is fetched and built: `download` (bytes of one file), `read` (a file was
 * parsed) and `build` (tensors are being created, `loaded` of `total` layers).
 *
 * @example
 * ```ts
 * import type { LoadProgress } from '@transformer-kit/transformer';
 * const onProgress = (p: LoadProgress) => console.error(`${p.phase} ${p.file ?? ''} ${p.loaded}/${p.total ?? '?'}`);
 * ```
 */
export interface LoadProgress {
  readonly phase: 'download' | 'read' | 'build';
  /** The file concerned, when there is one. */
  readonly file?: string;
  /** Bytes downloaded, files read, or layers built so far. */
  readonly loaded: number;
  /** The total, when known. */
  readonly total?: number;
}

/** Receives progress events. @example const log: ProgressCallback = (p) => console.error(p.phase, p.loaded); */
export type ProgressCallback = (progress: LoadProgress) => void;
