import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** `<repo>/../shared`, where CI keeps the reference data. */
export const sharedDir = resolve(import.meta.dirname, '../../../../shared');

/** The absolute path of a shared file, and whether it exists (tests skip with its name when it does not). */
export function shared(relative: string): { path: string; exists: boolean; skipMessage: string } {
  const path = resolve(sharedDir, relative);
  const exists = existsSync(path);
  return { path, exists, skipMessage: exists ? '' : `skipped: ${path} is missing (../shared is not beside the repository)` };
}

/** Reads a shared file as a Uint8Array. */
export function readShared(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(sharedDir, relative)));
}

/** True when every listed shared file exists; otherwise logs which one is missing. */
export function haveShared(...relatives: string[]): boolean {
  for (const r of relatives) {
    const s = shared(r);
    if (!s.exists) {
      console.warn(s.skipMessage);
      return false;
    }
  }
  return true;
}
