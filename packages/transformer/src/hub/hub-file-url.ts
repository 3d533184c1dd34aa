import { relativePathProblem } from '../loaders/relative-path-problem';

/**
 * The one place a hub file's URL is made: `{endpoint}/{repo}/resolve/{revision}/{path}`, Hugging Face's layout.
 * `path` is a file inside the repository (a model file, or a shard name read from
 * model.safetensors.index.json): it must stay inside it, so an absolute path or a `..` / `.` segment is refused.
 *
 * @example
 * ```ts
 * import { hubFileUrl } from '@transformer-kit/transformer';
 * console.log(hubFileUrl('https://huggingface.co', 'karpathy/tinyllamas', 'stories260K/tok512.bin'));
 * // https://huggingface.co/karpathy/tinyllamas/resolve/main/stories260K/tok512.bin
 * ```
 */
export function hubFileUrl(endpoint: string, repo: string, path: string, revision = 'main'): string {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo) || repo.split('/').some((p) => p === '.' || p === '..')) {
    throw new Error(`'${repo}' is not a Hugging Face repository id (owner/name)`);
  }
  // NOTE: the same rule as shard names from an index (relativePathProblem): one rule for every hub path.
  const problem = relativePathProblem(path);
  if (problem) throw new Error(`'${path}' is not a file path inside ${repo}: ${problem}`);
  const segments = path.split('/');
  return `${endpoint.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/${segments.map(encodeURIComponent).join('/')}`;
}
