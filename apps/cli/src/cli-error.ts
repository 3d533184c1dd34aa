/**
 * An error the CLI reports as one line (`transformer-kit: <message>`) with a non-zero exit, without a stack:
 * bad flags, missing files, unknown fixture kinds.
 *
 * @example
 * ```ts
 * import { CliError } from '@transformer-kit/cli';
 * try {
 *   throw new CliError('--max-tokens must be a positive integer, got "abc"');
 * } catch (e) {
 *   // the CLI prints `transformer-kit: <message>` and exits with exitCode
 *   if (e instanceof CliError) console.log(e.message, e.exitCode); // --max-tokens must be a positive integer, got "abc" 1
 * }
 * ```
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
