/**
 * Reads a model or tokenizer file from disk, refusing what is not a regular file (`/dev/zero` would be read
 * until memory runs out, a FIFO would block forever, a directory is not a file) and what is larger than a
 * limit, before reading a byte.
 */
import { open } from 'node:fs/promises';
import type { Stats } from 'node:fs';

/**
 * The most bytes one file may have by default: 4 GiB, what one Uint8Array holds in Node 20, and as much as the CPU
 * backend's heap (wasm32) can hold at all. (A Q4_K_M Phi-3-mini or Gemma 3 4B is over 2 GiB.)
 */
export const DEFAULT_MAX_FILE_BYTES = 2 ** 32;

/** Bytes one read asks for at most: Node's fs reads take at most 2 GiB - 1 at a time. */
const READ_CHUNK_BYTES = 2 ** 30;

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The bytes of a regular file of at most `maxBytes` bytes; anything else is an error naming the path and the
 * rule.
 *
 * @example
 * ```ts
 * import { readRegularFile } from '@transformer-kit/transformer/node';
 * const bytes = await readRegularFile('../shared/models/stories260K/tok512.bin');
 * console.log(bytes.byteLength > 0); // true
 * await readRegularFile('/dev/zero').catch((e: Error) => console.log(e.message)); // cannot read /dev/zero: it is a character device, not a regular file
 * ```
 */
export async function readRegularFile(path: string, maxBytes: number = DEFAULT_MAX_FILE_BYTES): Promise<Uint8Array> {
  let handle;
  try {
    // NOTE: O_NONBLOCK so opening a FIFO with no writer returns at once (and fstat then says what it is).
    const { constants } = await import('node:fs');
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error(`cannot read ${path}: it is ${kindOf(stats)}, not a regular file`);
    const limit = Math.min(maxBytes, DEFAULT_MAX_FILE_BYTES); // past it no Uint8Array can hold the file
    if (stats.size > limit) throw new Error(`cannot read ${path}: it has ${stats.size} bytes, over the limit of ${limit}`);
    const bytes = new Uint8Array(stats.size);
    let offset = 0;
    while (offset < bytes.byteLength) {
      const { bytesRead } = await handle.read(bytes, offset, Math.min(READ_CHUNK_BYTES, bytes.byteLength - offset), offset);
      if (bytesRead === 0) throw new Error(`cannot read ${path}: it shrank while being read (${offset} of ${stats.size} bytes)`);
      offset += bytesRead;
    }
    return bytes;
  } catch (error) {
    if ((error as Error).message.startsWith(`cannot read ${path}`)) throw error;
    throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  } finally {
    await handle.close();
  }
}
