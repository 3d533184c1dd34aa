// The workspace as the release scripts see it: which packages exist, which are published, in what order.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (this file is scripts/release/workspace.mjs). */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** The scope every published package lives in; the registry serves it from local storage only. */
export const SCOPE = '@transformer-kit';

/**
 * @typedef {object} WorkspacePackage
 * @property {string} name
 * @property {string} version
 * @property {boolean} private
 * @property {string} dir     absolute path
 * @property {string} relDir  path from the repository root, e.g. "packages/tensor"
 * @property {Record<string, any>} manifest
 * @property {string[]} internalDeps  names of the @transformer-kit packages it needs at run or build time
 */

/**
 * Every workspace package under `root`, in dependency order (a package comes after what it depends on).
 * Workspace globs are the `dir/*` kind this repository uses; anything fancier is rejected loudly.
 *
 * @param {string} [root]
 * @returns {WorkspacePackage[]}
 */
export function listWorkspacePackages(root = REPO_ROOT) {
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const packages = [];
  for (const pattern of rootManifest.workspaces ?? []) {
    const match = /^([\w.-]+)\/\*$/.exec(pattern);
    if (!match) throw new Error(`workspace glob "${pattern}" is not of the form "dir/*": teach scripts/release/workspace.mjs`);
    const parent = join(root, match[1]);
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      const manifestPath = join(parent, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      const deps = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.devDependencies };
      packages.push({
        name: manifest.name,
        version: manifest.version,
        private: manifest.private === true,
        dir: join(parent, entry.name),
        relDir: `${match[1]}/${entry.name}`,
        manifest,
        internalDeps: Object.keys(deps).filter((d) => d.startsWith(`${SCOPE}/`)),
      });
    }
  }
  return topologicalOrder(packages);
}

/** The packages `npm publish` would accept: not private. */
export function listPublishedPackages(root = REPO_ROOT) {
  return listWorkspacePackages(root).filter((p) => !p.private);
}

function topologicalOrder(packages) {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const ordered = [];
  const state = new Map(); // name -> 'visiting' | 'done'
  const visit = (pkg, trail) => {
    if (state.get(pkg.name) === 'done') return;
    if (state.get(pkg.name) === 'visiting') throw new Error(`dependency cycle: ${[...trail, pkg.name].join(' -> ')}`);
    state.set(pkg.name, 'visiting');
    for (const dep of pkg.internalDeps) if (byName.has(dep)) visit(byName.get(dep), [...trail, pkg.name]);
    state.set(pkg.name, 'done');
    ordered.push(pkg);
  };
  for (const pkg of [...packages].sort((a, b) => a.name.localeCompare(b.name))) visit(pkg, []);
  return ordered;
}
