// The environment every npm call of the rehearsal runs in: our registry, our token, a throwaway cache, and
// nothing inherited from the `npm run` that started us. npm exports npm_config_local_prefix and friends to
// scripts; left in place they would make `npm install` in a consumer folder install into the repository.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `<workDir>/npmrc` (registry + token) and an empty global npmrc, and returns an environment that
 * points npm at them.
 *
 * @param {{ url: string, token: string }} registry
 * @param {string} workDir
 */
export function npmEnvironment(registry, workDir) {
  const host = registry.url.replace(/^https?:/, ''); // //127.0.0.1:PORT/
  const userconfig = join(workDir, 'npmrc');
  const globalconfig = join(workDir, 'npmrc-global');
  writeFileSync(userconfig, npmrcText(registry) + `${host}:_authToken=${registry.token}\n`);
  writeFileSync(globalconfig, '');
  const env = cleanEnvironment();
  return {
    ...env,
    npm_config_registry: registry.url,
    'npm_config_@transformer-kit:registry': registry.url,
    npm_config_userconfig: userconfig,
    npm_config_globalconfig: globalconfig,
    // A fresh cache: a tarball cached by an earlier rehearsal (same version, other bytes) can never be reused.
    npm_config_cache: join(workDir, 'npm-cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_provenance: 'false',
  };
}

/**
 * process.env without what `npm run` exports to scripts (npm_config_*, npm_package_*, npm_lifecycle_*,
 * INIT_CWD): with npm_config_local_prefix=<repo> inherited, an npm command in the copy or in a consumer
 * folder would act on the repository instead.
 */
export function cleanEnvironment() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(config|package|lifecycle)_/i.test(key) || key === 'INIT_CWD' || key === 'npm_command' || key === 'npm_execpath') continue;
    env[key] = value;
  }
  return env;
}

/** The registry lines of an .npmrc (no secrets): what a consumer project of the rehearsal carries. */
export function npmrcText(registry) {
  return `registry=${registry.url}\n@transformer-kit:registry=${registry.url}\n`;
}
