/**
 * An error the CLI reports as one line (`transformer-kit: <message>`) with a non-zero exit, without a stack:
 * bad flags, missing files, unknown fixture kinds.
 *
 * @example
 * ```ts
 * import { CliError } from '@transformer-kit/cli';
 * throw new CliError('--max-tokens must be a positive integer, got "abc"');
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
