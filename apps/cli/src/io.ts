/** Where a command writes: stdout for results, stderr for progress and statistics (so stdout can be piped). */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
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
