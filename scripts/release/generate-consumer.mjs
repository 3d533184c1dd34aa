// The application author's install: a fresh project installs @transformer-kit/transformer, tokenizer and
// gpu-backend from the rehearsal registry and generates a story with Karpathy's stories260K through the
// published packages, on the CPU backend and on the gpu.js backend (headless GL under xvfb-run). Both must
// print what llama2.c's run.c prints for the same model (../shared/models/stories260K/greedy-256.txt).
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFromRegistry, createConsumer, installedTree } from './consumer.mjs';
import { parseJson, run } from './run.mjs';
import { REPO_ROOT } from './workspace.mjs';

const MAX_TOKENS = 256; // llama2.c's `-n 256`, so the whole reference story is compared

const SCRIPT = `import { readFileSync } from 'node:fs';
import { createCpuBackend, getBackend, setBackend } from '@transformer-kit/tensor';
import { adviseHugePages, hugePageSupport } from '@transformer-kit/tensor/node';
import { LlamaModel, generate, readLlama2c } from '@transformer-kit/transformer';
import { loadLlama2cTokenizer } from '@transformer-kit/tokenizer';

const [backend, modelPath, tokenizerPath, maxTokens] = process.argv.slice(2);
const log = [];
if (backend === 'gpu') {
  // A backend is chosen by a call, never by an import (ARCHITECTURE.md). 'headlessgl', not 'auto': auto
  // would fall back to gpu.js' cpu mode without a GL context, and this run must prove the GPU path.
  const { createGpuBackend } = await import('@transformer-kit/gpu-backend');
  setBackend(await createGpuBackend({ mode: 'headlessgl', log: (line) => log.push(line) }));
} else {
  // as the CLI makes it: the heap advised into huge pages by the helper binary the package ships (Linux)
  setBackend(createCpuBackend({ heap: { advise: adviseHugePages } }));
}
const { config, weights } = readLlama2c(readFileSync(modelPath));
const model = new LlamaModel(config, weights);
const tokenizer = loadLlama2cTokenizer(readFileSync(tokenizerPath), { vocabSize: config.vocabSize });
const started = performance.now();
let text = '';
const ids = [];
for await (const token of generate(model, tokenizer, '', { maxTokens: Number(maxTokens), temperature: 0 })) {
  text += token.text;
  ids.push(token.id);
}
const seconds = (performance.now() - started) / 1000;
const hugePages = backend === 'cpu' ? { ...hugePageSupport(), advisedBytes: getBackend().engineStats().heapAdvisedBytes } : null;
console.log(JSON.stringify({ backend, log, tokens: ids.length, seconds, text, ids, hugePages }));
`;

/**
 * gl (headless GL, gpu.js's optional dependency, pinned to one version by gpu.js) compiles from source on
 * install: ~4 minutes, and ~140 more packages (its node-gyp/prebuild tool chain) to download. The consumer
 * installs with --omit=optional, then links the gl the repository's own `npm ci` built — after checking it is
 * the version gpu.js pins, for the Node running now. Everything else in the tree, and every @transformer-kit
 * package, comes from the registry.
 */
function provideHeadlessGl(dir) {
  const repoGl = join(REPO_ROOT, 'node_modules', 'gl');
  const gpuJs = JSON.parse(readFileSync(join(dir, 'node_modules', 'gpu.js', 'package.json'), 'utf8'));
  const pinned = gpuJs.optionalDependencies?.gl ?? gpuJs.dependencies?.gl;
  if (!pinned) throw new Error(`gpu.js ${gpuJs.version} no longer depends on gl: revisit provideHeadlessGl`);
  if (!existsSync(join(repoGl, 'build', 'Release', 'webgl.node'))) throw new Error(`${repoGl} has no built addon: run scripts/setup.sh (npm ci builds gl)`);
  const have = JSON.parse(readFileSync(join(repoGl, 'package.json'), 'utf8')).version;
  if (have !== pinned) throw new Error(`gpu.js ${gpuJs.version} pins gl ${pinned}, the repository built gl ${have}: it cannot stand in`);
  const target = join(dir, 'node_modules', 'gl');
  if (existsSync(target)) throw new Error(`${target} exists although optional dependencies were omitted`);
  symlinkSync(repoGl, target, 'dir');
  return `gl ${have} (the version gpu.js ${gpuJs.version} pins): linked from the repository's build, not installed (--omit=optional)`;
}

/**
 * @param {{ dir: string, env: NodeJS.ProcessEnv, registry: { url: string }, version: string, shared: string }} options
 */
export async function rehearseGeneration({ dir, env, registry, version, shared }) {
  const problems = [];
  const lines = [];
  const specs = ['@transformer-kit/transformer', '@transformer-kit/tokenizer', '@transformer-kit/gpu-backend'];
  const install = await createConsumer({ dir, specs, env, registry, installArgs: ['--omit=optional'] });
  const tree = await installedTree(dir, env);
  assertFromRegistry(tree, registry.url);
  lines.push(provideHeadlessGl(dir));

  // Third-party code enters through two chosen edges and nowhere else: gpu-backend's gpu.js (ARCHITECTURE.md's
  // dependency map) and the tokenizer's @huggingface/jinja (chat templates; imported on the first render only).
  const allowed = new Set(['@transformer-kit/gpu-backend -> gpu.js', '@transformer-kit/tokenizer -> @huggingface/jinja']);
  const thirdParty = [];
  const walk = (node, parent) => {
    for (const [name, dep] of Object.entries(node.dependencies ?? {})) {
      if (name.startsWith('@transformer-kit/')) walk(dep, name);
      else if (!allowed.has(`${parent} -> ${name}`)) thirdParty.push(`${parent ?? 'the project'} -> ${name}`);
    }
  };
  walk(tree.json, null);
  if (thirdParty.length) problems.push(`third-party dependencies other than ${[...allowed].join(' and ')}: ${thirdParty.join(', ')}`);

  const ours = tree.packages.filter((p) => p.startsWith('@transformer-kit/'));
  const expected = ['attention', 'embedding', 'gpu-backend', 'positional', 'tensor', 'tokenizer', 'transformer'].map((n) => `@transformer-kit/${n}@${version}`);
  if (JSON.stringify(ours) !== JSON.stringify(expected)) problems.push(`@transformer-kit packages installed: ${ours.join(', ')}; expected ${expected.join(', ')}`);
  // One tensor for everyone: gpu-backend registers into the tensor engine transformer computes with.
  const tensorCopies = tree.resolved.filter((r) => r.path.endsWith('node_modules/@transformer-kit/tensor'));
  if (tensorCopies.length !== 1) problems.push(`${tensorCopies.length} copies of @transformer-kit/tensor installed (${tensorCopies.map((c) => c.path).join(', ')}): setBackend would not reach them all`);

  const model = join(shared, 'models', 'stories260K', 'stories260K.bin');
  const tokenizer = join(shared, 'models', 'stories260K', 'tok512.bin');
  const reference = join(shared, 'models', 'stories260K', 'greedy-256.txt');
  const missing = [model, tokenizer, reference].filter((f) => !existsSync(f));
  if (missing.length) {
    lines.push(`NOTE: ${missing.join(', ')} missing: generation skipped`);
    return { install, tree, lines, problems };
  }
  const expectedText = readFileSync(reference, 'utf8');
  writeFileSync(join(dir, 'generate.mjs'), SCRIPT);
  const script = (backend) => [process.execPath, 'generate.mjs', backend, model, tokenizer, String(MAX_TOKENS)];
  const outputs = {};
  outputs.cpu = await generateOn('cpu', script('cpu'), dir, env);
  // xvfb-run gives headless GL a display; -a picks a free display number so parallel runs do not collide.
  outputs.gpu = await generateOn('gpu', ['xvfb-run', '-a', '-s', '-screen 0 1280x1024x24', ...script('gpu')], dir, env);
  for (const out of Object.values(outputs)) {
    for (const line of out.log) lines.push(`${out.backend} backend: ${line}`);
    lines.push(`${out.backend}: ${out.tokens} tokens in ${out.seconds.toFixed(2)}s (${(out.tokens / out.seconds).toFixed(1)} tok/s):`);
    lines.push(...out.text.trimEnd().split('\n').map((l) => `    | ${l}`));
    if (out.text.trimEnd() !== expectedText.trimEnd()) {
      problems.push(`${out.backend}: the story differs from llama2.c's greedy-256.txt at character ${firstDifference(out.text, expectedText)}`);
    }
  }
  if (JSON.stringify(outputs.cpu.ids) !== JSON.stringify(outputs.gpu.ids)) problems.push('the CPU and GPU backends generated different token ids');
  // the published tensor package carries its huge-pages helper, and it loads from the installed tree
  const huge = outputs.cpu.hugePages;
  lines.push(`cpu: huge pages: ${huge.available ? `${huge.advisedBytes} bytes of the heap advised` : 'not asked'} (THP ${huge.mode}: ${huge.detail})`);
  if (process.platform === 'linux' && (huge.mode === 'madvise' || huge.mode === 'always') && !(huge.available && huge.advisedBytes > 0)) {
    problems.push(`cpu: the installed @transformer-kit/tensor did not advise its heap into huge pages: ${huge.detail}`);
  }
  return { install, tree, lines, problems };
}

async function generateOn(backend, [command, ...args], dir, env) {
  const { stdout } = await run(command, args, { cwd: dir, env });
  return parseJson(stdout.trim().split('\n').pop(), `generate.mjs ${backend}`);
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return `${i}: got ${JSON.stringify(a.slice(i, i + 30))}, llama2.c ${JSON.stringify(b.slice(i, i + 30))}`;
}
