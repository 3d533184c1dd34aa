/**
 * The rule every file name that comes from inside a checkpoint (a shard of `model.safetensors.index.json`, a
 * file asked of the hub) must follow before it is read or written: a plain relative name inside the
 * repository. A hostile index can otherwise name `../../../escaped.safetensors` and make a download land
 * outside the cache, or make a local load read `/etc/passwd`.
 */

/**
 * Why `name` is not a plain relative path inside a folder (`/`-separated, no `..`, `.` or empty segments, not
 * absolute, no drive letter, no backslash, no NUL), or undefined when it is one.
 *
 * @example
 * ```ts
 * import { relativePathProblem } from '@transformer-kit/transformer';
 * console.log(relativePathProblem('model-00001-of-00002.safetensors')); // undefined
 * console.log(relativePathProblem('../../../escaped.safetensors')); // it has a '..' segment
 * ```
 */
export function relativePathProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name === '') return 'it is empty';
  if (name.includes('\0')) return 'it contains a NUL character';
  if (name.includes('\\')) return 'it contains a backslash';
  if (name.startsWith('/')) return 'it is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'it starts with a drive letter';
  for (const segment of name.split('/')) {
    if (segment === '..') return "it has a '..' segment";
    if (segment === '.') return "it has a '.' segment";
    if (segment === '') return 'it has an empty segment';
  }
  return undefined;
}

/**
 * Throws unless `name` (read from `file`, as `field`) is a plain relative name inside the repository; the
 * error names the file, the field, the value and the rule.
 *
 * @example
 * ```ts
 * import { assertRelativePath } from '@transformer-kit/transformer';
 * assertRelativePath('model.safetensors.index.json', "weight_map['lm_head.weight']", 'model-00002-of-00002.safetensors'); // fine
 * try {
 *   assertRelativePath('model.safetensors.index.json', "weight_map['x']", '/etc/passwd');
 * } catch (e) {
 *   console.log((e as Error).message.includes('is an absolute path')); // true
 * }
 * ```
 */
export function assertRelativePath(file: string, field: string, name: string): void {
  const problem = relativePathProblem(name);
  if (problem) {
    throw new Error(`${file}: ${field} names ${JSON.stringify(name)}, which is refused because ${problem} (a shard must be a plain relative name inside the repository: no '..', '.' or empty segments, no absolute path, drive letter or backslash)`);
  }
}
