import { existsSync, readdirSync, statSync } from 'node:fs';
import { readRegularFile } from '@transformer-kit/transformer/node';
import { join, relative } from 'node:path';
import { parseFlags } from '../parse-flags';
import { readSafetensors } from '@transformer-kit/tensor';
import { CliError } from '../cli-error';
import type { CliIO } from '../io';
import type { Comparison } from '../parity/compare';
import { runnerFor } from '../parity/fixture-cases';
import { modelFolderCases } from '../parity/model-cases';
import { selectBackend } from '../select-backend';

export const PARITY_HELP = `Usage: transformer-kit parity <folder> [--backend cpu|gpu] [--json]

Runs every reference fixture under <folder> through this project's implementation: each .safetensors case
(dispatched on its config's "kind") and each model folder (config.json + expected.safetensors). Prints each
case's max abs error against expected.* and pass/fail at the backend's tolerance (|a-e| <= tol + tol*|e|).
Exits non-zero if any case fails or has an unknown kind.

Options:
  --backend <cpu|gpu>   default cpu (tolerance 1e-4; the GPU backend's own tolerance otherwise)
  --json                one JSON report on stdout
  -h, --help            this help
`;

/** One case's outcome. */
export interface ParityCase {
  readonly case: string;
  readonly kind: string;
  readonly pass: boolean;
  readonly maxAbsError: number;
  readonly tolerance: number;
  readonly checks: readonly Comparison[];
  readonly error?: string;
}

function walk(dir: string, into: { files: string[]; modelDirs: string[] }): void {
  if (existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'expected.safetensors'))) {
    into.modelDirs.push(dir);
    return;
  }
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, into);
    else if (entry.endsWith('.safetensors')) into.files.push(path);
  }
}

function summarise(name: string, kind: string, checks: Comparison[], tolerance: number): ParityCase {
  return { case: name, kind, checks, tolerance, pass: checks.length > 0 && checks.every((c) => c.pass), maxAbsError: Math.max(0, ...checks.map((c) => c.maxAbsError)) };
}

/** `transformer-kit parity`. */
export async function parityCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags({
    args,
    options: { backend: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout(PARITY_HELP);
    return 0;
  }
  const root = positionals[0];
  if (!root) throw new CliError('parity needs a folder (see transformer-kit parity --help)');
  if (positionals.length > 1) throw new CliError(`parity takes one folder, got ${positionals.length}`);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new CliError(`${root} is not a folder`);
  const backend = await selectBackend(values.backend);
  const tol = backend.tolerance;
  const found = { files: [] as string[], modelDirs: [] as string[] };
  walk(root, found);
  if (found.files.length + found.modelDirs.length === 0) throw new CliError(`no fixtures (.safetensors cases or model folders) under ${root}`);
  const results: ParityCase[] = [];
  const report = (r: ParityCase) => {
    results.push(r);
    if (values.json) return;
    const status = r.error ? 'FAIL' : r.pass ? 'pass' : 'FAIL';
    const detail = r.error ?? r.checks.map((c) => `${c.name} ${c.name === 'greedy_ids' ? (c.pass ? 'equal' : `${c.maxAbsError} differ`) : c.maxAbsError.toExponential(2)}`).join(', ');
    io.stdout(`${status}  ${r.case.padEnd(44)} ${detail}\n`);
  };
  for (const file of found.files) {
    const name = relative(root, file) || file;
    try {
      const bytes = await readRegularFile(file);
      const st = readSafetensors(bytes);
      const config = JSON.parse(st.metadata.config ?? '{}') as Record<string, unknown> & { kind?: string };
      const kind = String(config.kind ?? '(none)');
      const runner = runnerFor(kind);
      if (!runner) {
        report({ case: name, kind, pass: false, maxAbsError: Infinity, tolerance: tol, checks: [], error: `unknown kind ${JSON.stringify(kind)}` });
        continue;
      }
      report(summarise(name, kind, await runner(st, bytes, config, tol), tol));
    } catch (error) {
      report({ case: name, kind: '?', pass: false, maxAbsError: Infinity, tolerance: tol, checks: [], error: (error as Error).message.split('\n')[0] });
    }
  }
  for (const dir of found.modelDirs) {
    const name = relative(root, dir) || dir;
    try {
      for (const c of await modelFolderCases(dir, tol)) report(summarise(`${name} (${c.name})`, 'model', c.comparisons, tol));
    } catch (error) {
      report({ case: name, kind: 'model', pass: false, maxAbsError: Infinity, tolerance: tol, checks: [], error: (error as Error).message.split('\n')[0] });
    }
  }
  const failed = results.filter((r) => !r.pass).length;
  if (values.json) io.stdout(`${JSON.stringify({ backend: backend.name, tolerance: tol, passed: results.length - failed, failed, cases: results }, null, 2)}\n`);
  else io.stdout(`\n${results.length - failed}/${results.length} cases pass on ${backend.name} (tolerance ${tol})\n`);
  return failed === 0 ? 0 : 1;
}
