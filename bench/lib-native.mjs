// The benches' native C rows: a C source of bench/native compiled with the system C compiler into a temporary
// folder, or a note saying why the rows are skipped (CI does not run benches, but a machine without a compiler
// still gets the other rows).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * bench/native/<source> built with `cc flags`: { binary, compiler: { cc, version, flags } }, or
 * { binary: null, compiler: { cc, flags, note } } when there is no such compiler or the build fails.
 */
export function compileNative(source, flags, cc = process.env.CC ?? 'cc') {
  const version = spawnSync(cc, ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) return { binary: null, compiler: { cc, flags: flags.join(' '), note: `no C compiler (${cc}): native rows skipped` } };
  const binary = join(mkdtempSync(join(tmpdir(), 'transformer-kit-native-')), basename(source, '.c'));
  const built = spawnSync(cc, [...flags, '-o', binary, join(here, 'native', source), '-lm'], { encoding: 'utf8' });
  if (built.status !== 0) return { binary: null, compiler: { cc, flags: flags.join(' '), note: `${cc} failed on bench/native/${source}: native rows skipped\n${built.stderr}` } };
  return { binary, compiler: { cc, version: version.stdout.split('\n')[0], flags: flags.join(' ') } };
}

/**
 * One run of bench/native/llama2c-decode.c: BOS, then `tokens` greedy steps (fewer past `maxSeconds`), timed from
 * the first generated token. Returns its JSON: { ids, tokensTimed, seconds, tokensPerSecond }.
 */
export function nativeDecode(binary, checkpoint, tokens, maxSeconds) {
  return JSON.parse(execFileSync(binary, [checkpoint, String(tokens), String(maxSeconds)], { encoding: 'utf8' }));
}
