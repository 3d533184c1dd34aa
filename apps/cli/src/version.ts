import packageJson from '../package.json';

/**
 * The CLI's version (its package.json's), as `transformer-kit --version` prints it.
 *
 * @example
 * ```ts
 * import { VERSION } from '@transformer-kit/cli';
 * console.log(/^\d+\.\d+\.\d+/.test(VERSION)); // true
 * ```
 */
export const VERSION: string = packageJson.version;
