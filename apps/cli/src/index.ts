/**
 * @packageDocumentation
 * The `transformer-kit` command as a function (for tests and scripts): `main(argv, io)` returns the exit code.
 */
export { main, HELP } from './main';
export { processIO } from './io';
export { CliError } from './cli-error';
export { VERSION } from './version';

export type { CliIO } from './io';
