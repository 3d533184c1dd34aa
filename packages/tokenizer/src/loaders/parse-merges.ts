import { TokenizerFormatError } from '../tokenizer-error';

/**
 * Parses GPT-2's `vocab.bpe` / Hugging Face's `merges.txt`: an optional `#version` line, then one merge per
 * line, two tokens separated by one space, best first.
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { parseMerges } from './packages/tokenizer/src/loaders/parse-merges';
 * console.log(parseMerges('#version: 0.2\nĠ t\nĠ a\n', 'vocab.bpe')); // [ [ 'Ġ', 't' ], [ 'Ġ', 'a' ] ]
 * ```
 */
export function parseMerges(text: string, fileKind: string): Array<[string, string]> {
  const merges: Array<[string, string]> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line === '' || (i === 0 && line.startsWith('#version'))) continue;
    const space = line.indexOf(' ');
    if (space <= 0 || space === line.length - 1 || line.indexOf(' ', space + 1) !== -1) {
      throw new TokenizerFormatError(fileKind, `line ${i + 1} is not two tokens separated by one space: ${JSON.stringify(line.slice(0, 80))}`);
    }
    merges.push([line.slice(0, space), line.slice(space + 1)]);
  }
  if (merges.length === 0) throw new TokenizerFormatError(fileKind, 'no merges (empty or truncated file)');
  return merges;
}

/**
 * Parses a JSON text, naming the file kind when it is not JSON (a truncated download, an HTML error page).
 *
 * @example
 * ```ts
 * // an internal helper (not exported by the package), imported here from its source file
 * import { parseJson } from './packages/tokenizer/src/loaders/parse-merges';
 * console.log(parseJson('{"a":1}', 'encoder.json')); // { a: 1 }
 * try {
 *   parseJson('<html>', 'encoder.json');
 * } catch (e) {
 *   console.log((e as Error).message); // encoder.json: not valid JSON (Unexpected token ...); is the file truncated?
 * }
 * ```
 */
export function parseJson(text: string, fileKind: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TokenizerFormatError(fileKind, `not valid JSON (${(e as Error).message}); is the file truncated?`);
  }
}
