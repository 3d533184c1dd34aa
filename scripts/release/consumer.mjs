// A fresh project that installs published packages from the rehearsal registry, the way a library author
// would, and reports exactly what landed in node_modules.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { npmrcText } from './npm-env.mjs';
import { parseJson, run } from './run.mjs';

/**
 * Creates `dir` with a package.json and an .npmrc pointing at the registry, then `npm install`s `specs`.
 *
 * @param {{ dir: string, specs: string[], env: NodeJS.ProcessEnv, registry: { url: string }, installArgs?: string[] }} options
 */
export async function createConsumer({ dir, specs, env, registry, installArgs = [] }) {
  mkdirSync(dir, { recursive: true });
  const name = dir.split('/').pop();
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  writeFileSync(join(dir, '.npmrc'), npmrcText(registry));
  const started = Date.now();
  await run('npm', ['install', '--no-audit', '--no-fund', ...installArgs, ...specs], { cwd: dir, env });
  return { seconds: (Date.now() - started) / 1000 };
}

/**
 * The installed tree: `npm ls --all --json` flattened to `name@version` (each once) and as parsed, the text
 * tree for the log, and every `resolved` URL in package-lock.json.
 *
 * @param {string} dir
 * @param {NodeJS.ProcessEnv} env
 */
export async function installedTree(dir, env) {
  const { stdout } = await run('npm', ['ls', '--all', '--json'], { cwd: dir, env, echo: false });
  const tree = parseJson(stdout, `npm ls --all --json in ${dir}`);
  const names = new Set();
  const walk = (node) => {
    for (const [depName, dep] of Object.entries(node.dependencies ?? {})) {
      if (dep.missing) throw new Error(`npm ls: ${depName} is missing in ${dir}`);
      names.add(`${depName}@${dep.version}`);
      walk(dep);
    }
  };
  walk(tree);
  const { stdout: text } = await run('npm', ['ls', '--all'], { cwd: dir, env, echo: false });
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  const resolved = Object.entries(lock.packages ?? {})
    .filter(([path]) => path !== '')
    .map(([path, entry]) => ({ path, resolved: entry.resolved, link: entry.link === true }));
  return { packages: [...names].sort(), json: tree, text: text.trim(), resolved };
}

/**
 * Asserts that every @transformer-kit package in the lockfile was fetched from the rehearsal registry (none
 * from the public one, none linked from disk).
 */
export function assertFromRegistry(tree, registryUrl) {
  const ours = tree.resolved.filter((r) => r.path.includes('node_modules/@transformer-kit/'));
  const wrong = ours.filter((r) => r.link || !r.resolved?.startsWith(registryUrl));
  if (wrong.length) {
    throw new Error(`@transformer-kit packages not fetched from ${registryUrl}:\n${wrong.map((w) => `  ${w.path} -> ${w.resolved ?? 'link'}`).join('\n')}`);
  }
  return ours.length;
}
