import { CliError } from './cli-error';

/** A flag's value as a number, with a one-line error naming the flag when it is not one. */
export function numberFlag(values: Record<string, unknown>, name: string, check: (n: number) => boolean, what: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw === '' || !Number.isFinite(n)) throw new CliError(`--${name} must be a number, got ${JSON.stringify(raw)}`);
  if (!check(n)) throw new CliError(`--${name} must be ${what}, got ${JSON.stringify(raw)}`);
  return n;
}

/** The flag as a string, or a one-line error when it is required and absent. */
export function requiredFlag(values: Record<string, unknown>, name: string, command: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new CliError(`${command} needs --${name} (see transformer-kit ${command} --help)`);
  return v;
}
