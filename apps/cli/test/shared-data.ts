import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** `<repo>/../shared`, where CI keeps the reference data. */
export const sharedDir = resolve(import.meta.dirname, '../../../../shared');

/** Absolute path of a shared file. */
export const shared = (relative: string) => resolve(sharedDir, relative);

/** True when every listed shared file exists; otherwise logs which one is missing (the tests then skip). */
export function haveShared(...relatives: string[]): boolean {
  for (const r of relatives) {
    if (!existsSync(shared(r))) {
      console.warn(`skipped: ${shared(r)} is missing (../shared is not beside the repository)`);
      return false;
    }
  }
  return true;
}
