import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, type SafetensorsFile } from '@transformer-kit/tensor';

/** `<repo>/../shared`, where CI keeps the PyTorch fixtures. */
export const sharedDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared');
export const fixturesDir = join(sharedDir, 'fixtures');

/** Why fixture tests are skipped ('' when the folder is there). */
export function missingFixtures(): string {
  return existsSync(fixturesDir) ? '' : `skipped: ${fixturesDir} is missing (the PyTorch fixtures live in ../shared beside the repository)`;
}

/** Every .safetensors file under the fixtures folder, as paths relative to it. */
export function allSafetensors(dir = fixturesDir, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return allSafetensors(full, `${prefix}${name}/`);
    return name.endsWith('.safetensors') ? [`${prefix}${name}`] : [];
  });
}

/** A fixture file parsed, with its config. */
export function loadFixture(relative: string): { file: SafetensorsFile; config: Record<string, unknown>; bytes: Uint8Array } {
  const bytes = new Uint8Array(readFileSync(join(fixturesDir, relative)));
  const file = readSafetensors(bytes);
  const config = file.metadata.config ? (JSON.parse(file.metadata.config) as Record<string, unknown>) : {};
  return { file, config, bytes };
}
