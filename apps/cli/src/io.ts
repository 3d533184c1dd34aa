/**
 * Where a command writes: stdout for results, stderr for progress and statistics (so stdout can be piped).
 *
 * @example
 * ```ts
 * import { main, type CliIO } from '@transformer-kit/cli';
 * const lines: string[] = [];
 * const io: CliIO = { stdout: (text) => lines.push(text), stderr: (text) => lines.push(`[err] ${text}`) };
 * console.log(await main(['no-such-command'], io), lines[0].split(' (')[0]); // 1 [err] transformer-kit: unknown command 'no-such-command'
 * ```
 */
export interface CliIO {
  /** Writes results (token ids, generated text, reports). */
  stdout(text: string): void;
  /** Writes progress, statistics and error lines. */
  stderr(text: string): void;
  /** Where interactive commands (chat) read lines from. Default: the process's stdin. */
  readonly stdin?: NodeJS.ReadableStream;
}

/**
 * The process's own streams.
 *
 * @example
 * ```ts
 * import { processIO, main } from '@transformer-kit/cli';
 * process.exitCode = await main(['tokenize', '--help'], processIO());
 * ```
 */
export function processIO(): CliIO {
  return { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) };
}
