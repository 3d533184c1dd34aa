// `changeset publish` from the versioned copy to the rehearsal registry, then a read-back of every
// package from the registry: the publish is only believed once the registry serves it.
import { changeset } from './version.mjs';

/**
 * @param {string} copyDir
 * @param {{ name: string }[]} packages  what must be on the registry afterwards
 * @param {string} version
 * @param {{ url: string }} registry
 * @param {NodeJS.ProcessEnv} env
 */
export async function publishCopy(copyDir, packages, version, registry, env) {
  // --no-git-tag: the copy's git repository is a throwaway snapshot; tags there would mean nothing.
  const { stdout, stderr } = await changeset(['publish', '--no-git-tag'], { cwd: copyDir, env });
  const output = `${stdout}\n${stderr}`;
  // changesets exits 1 when a publish fails; this also catches a package it silently left out.
  const served = [];
  for (const pkg of packages) {
    const response = await fetch(`${registry.url}${pkg.name.replace('/', '%2f')}`);
    if (!response.ok) throw new Error(`${pkg.name} is not on the registry after changeset publish (HTTP ${response.status}):\n${output.slice(-3000)}`);
    const packument = await response.json();
    const latest = packument['dist-tags']?.latest;
    if (latest !== version) throw new Error(`${pkg.name}: the registry's latest is ${latest}, expected ${version}`);
    const dist = packument.versions[version].dist;
    served.push({ name: pkg.name, version, tarball: dist.tarball, integrity: dist.integrity });
  }
  return { served, log: output };
}
