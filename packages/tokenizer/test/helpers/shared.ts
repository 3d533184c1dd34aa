import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests build part of their corpus from its files). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** `../shared` beside the repository, where the reference data lives (never copied into the repo). */
export const sharedDir = resolve(repoRoot, '..', 'shared');

/** Absolute path of a file under ../shared. */
export function shared(...parts: string[]): string {
  return join(sharedDir, ...parts);
}

/**
 * True when any of the files is missing; logs which one, so a skipped suite says why.
 *
 * @example describe.skipIf(missing(path))('…', () => {});
 */
export function missing(...paths: string[]): boolean {
  const absent = paths.filter((p) => !existsSync(p));
  for (const p of absent) console.warn(`[tokenizer tests] skipping: reference file ${p} is missing`);
  return absent.length > 0;
}

/** llama.cpp's vocabulary test vectors: inputs split on the separator, expected ids per line (no BOS). */
export function readLlamaCppVectors(name: string): Array<{ text: string; ids: number[] }> {
  const inp = readFileSync(shared('tokenizers', 'llama.cpp', `ggml-vocab-${name}.gguf.inp`), 'utf8');
  const out = readFileSync(shared('tokenizers', 'llama.cpp', `ggml-vocab-${name}.gguf.out`), 'utf8');
  // NOTE: the .inp file ends with the separator itself, so the last split element is an empty remainder,
  // not a 47th case (the third case is the genuinely empty input).
  const sep = '\n__ggml_vocab_test__\n';
  if (!inp.endsWith(sep)) throw new Error(`${name}.gguf.inp does not end with the separator`);
  const texts = inp.slice(0, -sep.length).split(sep);
  const lines = out.endsWith('\n') ? out.slice(0, -1).split('\n') : out.split('\n');
  if (texts.length !== lines.length) throw new Error(`${name}: ${texts.length} inputs but ${lines.length} output lines`);
  return texts.map((text, i) => ({ text, ids: lines[i].trim() === '' ? [] : lines[i].trim().split(/\s+/).map(Number) }));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `String.prototype.toWellFormed` (ES2024) for the ES2022 lib: lone surrogates become U+FFFD. */
export function toWellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}
