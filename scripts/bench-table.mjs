// Rewrites the bench table in packages/tensor/README.md from bench/results/tensor.json, so the README's
// figures are always the ones the last `node bench/run.mjs tensor` wrote. Run: node scripts/bench-table.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = JSON.parse(readFileSync(join(root, 'bench/results/tensor.json'), 'utf8'));
const readmePath = join(root, 'packages/tensor/README.md');
const START = '<!-- bench:tensor -->';
const END = '<!-- /bench:tensor -->';

const m = result.machine;
const when = result.date.slice(0, 16).replace('T', ' ');
const ratio = (x) => (x ? `${x.toFixed(2)}×` : '');
const rows = result.results.map((r) => `| ${r.phase} | ${r.op} | ${r.shape} | ${r.impl} | ${r.value.toFixed(2)} ${r.unit} | ${ratio(r.vsTfjsCpu)} | ${ratio(r.vsPlainLoop)} |`);

const ours = result.results.filter((r) => r.impl === 'transformer-kit cpu');
const range = (xs) => {
  const [lo, hi] = [Math.min(...xs).toFixed(1), Math.max(...xs).toFixed(1)];
  return lo === hi ? `${lo}×` : `${lo}–${hi}×`;
};
const vsTf = (op) => ours.filter((r) => r.op === op && r.vsTfjsCpu).map((r) => r.vsTfjsCpu);
const vsPlain = (op) => ours.find((r) => r.op === op && r.vsPlainLoop)?.vsPlainLoop;
const wasmVsOurs = result.results
  .filter((r) => r.op === 'matmul' && r.impl === '@tensorflow/tfjs wasm')
  .map((r) => r.value / ours.find((o) => o.op === 'matmul' && o.shape === r.shape && o.phase === r.phase).value);
const summary =
  `In this run matmul is ${range(vsTf('matmul'))} tfjs's cpu backend, softmax ${range(vsTf('softmax'))} and layerNorm ` +
  `${range(vsTf('layerNorm'))}; softmax is ${vsPlain('softmax')?.toFixed(2)}× and layerNorm ${vsPlain('layerNorm')?.toFixed(2)}× the ` +
  `plain loop. TensorFlow.js's wasm backend (SIMD) is ${range(wasmVsOurs)} faster than this CPU backend at matmul.`;

const block = [
  START,
  `From \`bench/results/tensor.json\` of ${when} UTC: ${m.cpuModel} × ${m.cpus}, Node ${m.node}, tfjs ${m.tfjs}, load average ` +
    `${m.loadAverage1mAtStart} → ${m.loadAverage1mAtEnd} (the ratios are taken between samples interleaved in the same process; ` +
    `absolute figures on this VM vary from run to run).`,
  '',
  '| phase | op | shape | implementation | value | vs tfjs cpu | vs plain loop |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
  summary,
  END,
].join('\n');

const readme = readFileSync(readmePath, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < 0) throw new Error(`${readmePath}: the ${START} … ${END} markers are missing`);
writeFileSync(readmePath, readme.slice(0, start) + block + readme.slice(end + END.length));
console.log(`bench-table: wrote ${result.results.length} rows from ${when} UTC into packages/tensor/README.md`);
