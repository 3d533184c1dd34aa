import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * `parseArgs`, except that a value-taking flag always takes the next argument as its value, as getopt and
 * llama.cpp do: `--temperature -1` reaches the flag's own check ("--temperature must be ≥ 0") instead of
 * node's "argument is ambiguous", and `--stop -` is a stop string.
 */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(config.options ?? {})) {
    if (o.type !== 'string') continue;
    takesValue.add(`--${name}`);
    if (o.short) takesValue.add(`-${o.short}`);
  }
  const args = config.args ?? [];
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1];
    // NOTE: only a value that starts with '-' needs joining; parseArgs takes any other one itself.
    if (takesValue.has(args[i]) && next !== undefined && next.startsWith('-')) {
      joined.push(args[i].startsWith('--') ? `${args[i]}=${next}` : `${args[i]}${next}`);
      i++;
    } else {
      joined.push(args[i]);
    }
  }
  return parseArgs({ ...config, args: joined }) as ReturnType<typeof parseArgs<T>>;
}
