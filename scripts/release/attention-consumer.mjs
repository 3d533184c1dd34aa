// The library author's install: a fresh project runs `npm install @transformer-kit/attention` against the
// rehearsal registry and must get attention and tensor and nothing else; then the same multi-head attention
// runs from an ESM script (`import`) and a CommonJS script (`require`) on a PyTorch fixture, TypeScript
// type-checks a consumer under moduleResolution node16 and bundler, and a browser bundle stays small.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleCheck } from './bundle-check.mjs';
import { assertFromRegistry, createConsumer, installedTree } from './consumer.mjs';
import { parseJson, run } from './run.mjs';
import { REPO_ROOT } from './workspace.mjs';

const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

// One body for both module systems, so "the same numbers" compares the builds, not two programs.
// Tolerance from the team brief: |a - e| <= 1e-4 + 1e-4 * |e| on the CPU backend.
const BODY = `
async function main() {
  const fixture = process.argv[2];
  const file = readSafetensors(readFileSync(fixture));
  const config = JSON.parse(file.metadata.config);
  const mha = MultiHeadAttention.fromPackedWeights(
    { dim: config.embed_dim, heads: config.num_heads },
    {
      inProjWeight: file.tensor('weight.in_proj_weight'),
      inProjBias: file.tensor('weight.in_proj_bias'),
      outProjWeight: file.tensor('weight.out_proj.weight'),
      outProjBias: file.tensor('weight.out_proj.bias'),
    },
  );
  const { output } = mha.forward(file.tensor('input.query')); // [batch, seq, dim]
  const got = Array.from(await output.data());
  const expected = Array.from(await file.tensor('expected.output').data());
  if (got.length !== expected.length) throw new Error('output has ' + got.length + ' values, expected ' + expected.length);
  let maxAbsDiff = 0;
  const bad = [];
  for (let i = 0; i < got.length; i++) {
    const diff = Math.abs(got[i] - expected[i]);
    maxAbsDiff = Math.max(maxAbsDiff, diff);
    if (!(diff <= 1e-4 + 1e-4 * Math.abs(expected[i]))) bad.push(i + ': ' + got[i] + ' vs ' + expected[i]);
  }
  console.log(JSON.stringify({ entry: ENTRY, shape: output.shape, maxAbsDiff, values: got }));
  if (bad.length) {
    console.error(bad.length + ' value(s) outside 1e-4 of expected.output, first: ' + bad.slice(0, 5).join('; '));
    process.exit(1);
  }
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

const ESM = `import { readFileSync } from 'node:fs';
import { MultiHeadAttention } from '@transformer-kit/attention';
import { readSafetensors } from '@transformer-kit/tensor';
const ENTRY = import.meta.resolve('@transformer-kit/attention');
${BODY}`;

const CJS = `const { readFileSync } = require('node:fs');
const { MultiHeadAttention } = require('@transformer-kit/attention');
const { readSafetensors } = require('@transformer-kit/tensor');
const ENTRY = require.resolve('@transformer-kit/attention');
${BODY}`;

// Type-checked only: the published .d.ts / .d.cts must carry the contract's names and shapes.
const TS_BODY = `
export async function attend(bytes: Uint8Array, config: MultiHeadAttentionConfig): Promise<number[]> {
  const file: SafetensorsFile = readSafetensors(bytes);
  const mha = MultiHeadAttention.fromPackedWeights(config, {
    inProjWeight: file.tensor('weight.in_proj_weight'),
    inProjBias: file.tensor('weight.in_proj_bias'),
    outProjWeight: file.tensor('weight.out_proj.weight'),
    outProjBias: file.tensor('weight.out_proj.bias'),
  });
  const result: AttentionOutput = mha.forward(file.tensor('input.query'));
  const output: Tensor = result.output;
  const values = Array.from(await output.data(), Number);
  mha.dispose();
  return values;
}
`;
const TS_IMPORTS = `import { MultiHeadAttention } from '@transformer-kit/attention';
import type { AttentionOutput, MultiHeadAttentionConfig } from '@transformer-kit/attention';
import { readSafetensors } from '@transformer-kit/tensor';
import type { SafetensorsFile, Tensor } from '@transformer-kit/tensor';
`;

function tsconfig(module, moduleResolution, files) {
  return `${JSON.stringify(
    {
      compilerOptions: {
        module,
        moduleResolution,
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        strict: true,
        noEmit: true,
        // Check the published declaration files too: they are what is being tested.
        skipLibCheck: false,
        // No @types/node in a library author's browser project: the types must not need it.
        types: [],
      },
      files,
    },
    null,
    2,
  )}\n`;
}

/**
 * @param {{ dir: string, env: NodeJS.ProcessEnv, registry: { url: string }, version: string, fixture: string | null }} options
 */
export async function rehearseAttention({ dir, env, registry, version, fixture }) {
  const problems = [];
  const install = await createConsumer({ dir, specs: ['@transformer-kit/attention'], env, registry });
  const tree = await installedTree(dir, env);
  assertFromRegistry(tree, registry.url);
  const expected = [`@transformer-kit/attention@${version}`, `@transformer-kit/tensor@${version}`];
  if (JSON.stringify(tree.packages) !== JSON.stringify(expected)) {
    problems.push(`installed tree is ${tree.packages.join(', ')}; expected exactly ${expected.join(', ')}`);
  }
  const topLevel = readdirSync(join(dir, 'node_modules')).filter((n) => n !== '.package-lock.json');
  const scoped = readdirSync(join(dir, 'node_modules', '@transformer-kit')).sort();
  if (topLevel.join() !== '@transformer-kit' || scoped.join() !== 'attention,tensor') {
    problems.push(`node_modules holds ${topLevel.join(', ')} and @transformer-kit/{${scoped.join(',')}}`);
  }

  const outputs = {};
  if (fixture) {
    writeFileSync(join(dir, 'mha.mjs'), ESM);
    writeFileSync(join(dir, 'mha.cjs'), CJS);
    for (const script of ['mha.mjs', 'mha.cjs']) {
      const { stdout } = await run(process.execPath, [script, fixture], { cwd: dir, env });
      outputs[script] = parseJson(stdout.trim().split('\n').pop(), `node ${script}`);
    }
    const esm = outputs['mha.mjs'];
    const cjs = outputs['mha.cjs'];
    if (!esm.entry.endsWith('.js') || esm.entry.endsWith('.cjs')) problems.push(`import resolved to ${esm.entry}, expected the ESM build dist/index.js`);
    if (!cjs.entry.endsWith('.cjs')) problems.push(`require resolved to ${cjs.entry}, expected the CJS build dist/index.cjs`);
    if (JSON.stringify(esm.values) !== JSON.stringify(cjs.values)) problems.push('the ESM and CommonJS builds printed different numbers');
  }

  writeFileSync(join(dir, 'consumer.ts'), TS_IMPORTS + TS_BODY);
  writeFileSync(join(dir, 'consumer-cjs.cts'), TS_IMPORTS + TS_BODY.replace('attend(', 'attendCjs('));
  writeFileSync(join(dir, 'tsconfig.node16.json'), tsconfig('node16', 'node16', ['consumer.ts', 'consumer-cjs.cts']));
  writeFileSync(join(dir, 'tsconfig.bundler.json'), tsconfig('esnext', 'bundler', ['consumer.ts']));
  const typecheck = {};
  for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
    const { code, stdout, stderr } = await run(process.execPath, [TSC, '-p', config], { cwd: dir, env, allowFailure: true });
    typecheck[config] = code === 0 ? 'ok' : 'FAILED';
    if (code !== 0) problems.push(`tsc -p ${config}:\n${`${stdout}${stderr}`.trim()}`);
  }

  const bundle = await bundleCheck(dir);
  problems.push(...bundle.problems);
  return { install, tree, outputs, typecheck, bundle, problems };
}
