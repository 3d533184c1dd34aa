// Bundled by test/fixture-models.browser.test.ts for the page: the PyTorch fixture models (../shared/fixtures/
// models/<name>/: config.json, model.safetensors, expected.safetensors) built with the transformer package's public
// API, run on the gpu.js backend in WebGL2, and compared with PyTorch's outputs here in the page. The port of
// apps/cli/test/gpu-models.test.ts (which does the same in Node on headless GL); the test gets a JSON report.
import { readSafetensors, setBackend, tensor, type SafetensorsFile } from '@transformer-kit/tensor';
import { BertModel, bertConfigFromHf, Gpt2Model, gpt2ConfigFromHf, LlamaModel, llamaConfigFromHf, safetensorsWeights, type CausalLM } from '@transformer-kit/transformer';
import { createGpuBackend, type GpuBackend } from '@transformer-kit/gpu-backend';
import { greedyDecode } from '../../../../test-support/greedy-decode';

/** The team's tolerance for GPU backends: |actual - expected| <= 2e-3 + 2e-3 * |expected|. */
const TOLERANCE = 2e-3;

/** One comparison of a float output with its PyTorch reference. */
export interface Comparison {
  /** The expected.safetensors tensor compared against, e.g. 'logits'. */
  readonly tensor: string;
  /** How many elements were compared (the test checks it against the reference's size). */
  readonly elements: number;
  readonly maxAbsError: number;
  /** Every element within tolerance (and the element counts equal). */
  readonly passed: boolean;
  /** The first element out of tolerance, or a count mismatch; '' when passed. */
  readonly message: string;
}

/** What the page reports for one model. */
export interface FixtureModelReport {
  readonly model: string;
  /** The backend the model ran on, e.g. 'gpu.js:webgl2'. */
  readonly backend: string;
  readonly renderer: string;
  readonly comparison: Comparison;
  /** Causal models only: the greedy ids decoded with the KV cache (prompt included), and whether they equal PyTorch's. */
  readonly greedyIds?: number[];
  readonly greedyMatches?: boolean;
  readonly passed: boolean;
  readonly error?: string;
}

declare global {
  interface Window {
    /** Set once the bundle has loaded: runs one fixture model and resolves to its report. */
    runFixtureModel?: (name: string) => Promise<FixtureModelReport>;
  }
}

function compare(actual: ArrayLike<number>, expected: ArrayLike<number>, name: string): Comparison {
  let maxAbsError = 0;
  let message = actual.length === expected.length ? '' : `${name}: ${actual.length} elements, expected ${expected.length}`;
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
    const error = Math.abs(actual[i] - expected[i]);
    // NOTE: written so that NaN fails: NaN <= x is false.
    if (!(error <= TOLERANCE + TOLERANCE * Math.abs(expected[i])) && !message) {
      message = `${name}: element ${i} is ${actual[i]}, expected ${expected[i]} (tolerance ${TOLERANCE} abs + rel)`;
    }
    maxAbsError = Number.isNaN(error) ? Number.NaN : Math.max(maxAbsError, error);
  }
  return { tensor: name, elements: actual.length, maxAbsError, passed: message === '', message };
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${response.statusText}`);
  return response.arrayBuffer();
}

/** config.json, model.safetensors and expected.safetensors of one fixture, served under /fixtures/<name>/. */
async function fixture(name: string) {
  const base = `/fixtures/${name}`;
  const [config, model, expected] = await Promise.all([
    fetchBytes(`${base}/config.json`).then((b) => JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>),
    fetchBytes(`${base}/model.safetensors`),
    fetchBytes(`${base}/expected.safetensors`),
  ]);
  return { config, weights: safetensorsWeights({ 'model.safetensors': model }), expected: readSafetensors(expected) };
}

/** Logits of the whole prompt against `logits`, then greedy decoding against `greedy_ids`. */
async function checkCausalLM(model: CausalLM, expected: SafetensorsFile, gpu: GpuBackend) {
  const inputIds = Array.from(expected.read('input_ids'));
  const { logits } = model.forward(tensor(Int32Array.from(inputIds), [1, inputIds.length], 'int32', gpu)); // [1, seq, vocab]
  const comparison = compare(await logits.data(), expected.read('logits'), 'logits');
  logits.dispose();
  const reference = Array.from(expected.read('greedy_ids'));
  const greedyIds = await greedyDecode(model, inputIds, reference.length, gpu);
  const greedyMatches = greedyIds.length === reference.length && greedyIds.every((id, i) => id === reference[i]);
  return { comparison, greedyIds, greedyMatches, passed: comparison.passed && greedyMatches };
}

/** BERT's `last_hidden_state` [batch, seq, dim] for the fixture's padded batch. */
async function checkBert(model: BertModel, expected: SafetensorsFile, gpu: GpuBackend) {
  const ids = (name: string) => tensor(expected.read(name), expected.entry(name)!.shape, 'int32', gpu);
  const { lastHiddenState } = model.forward(ids('input_ids'), { tokenTypeIds: ids('token_type_ids'), attentionMask: ids('attention_mask') });
  const comparison = compare(await lastHiddenState.data(), expected.read('last_hidden_state'), 'last_hidden_state');
  lastHiddenState.dispose();
  return { comparison, passed: comparison.passed };
}

let backend: Promise<GpuBackend> | undefined;

async function runFixtureModel(name: string): Promise<FixtureModelReport> {
  // One backend for every model, made on first use: a WebGL2 context per model would only slow SwiftShader down.
  backend ??= createGpuBackend({ mode: 'webgl2' });
  const gpu = await backend;
  setBackend(gpu);
  const { config, weights, expected } = await fixture(name);
  let model: CausalLM | BertModel;
  let result: { comparison: Comparison; greedyIds?: number[]; greedyMatches?: boolean; passed: boolean };
  if (name.startsWith('gpt2')) {
    model = new Gpt2Model(gpt2ConfigFromHf(config), weights);
    result = await checkCausalLM(model, expected, gpu);
  } else if (name.startsWith('llama')) {
    model = new LlamaModel(llamaConfigFromHf(config), weights);
    result = await checkCausalLM(model, expected, gpu);
  } else if (name.startsWith('bert')) {
    model = new BertModel(bertConfigFromHf(config), weights);
    result = await checkBert(model, expected, gpu);
  } else {
    throw new Error(`unknown fixture model '${name}': expected a name starting with gpt2, llama or bert`);
  }
  model.dispose();
  return { model: name, backend: gpu.name, renderer: gpu.info.renderer, ...result };
}

window.runFixtureModel = async (name) => {
  try {
    return await runFixtureModel(name);
  } catch (error) {
    // A report rather than a rejection, so the test shows the page's stack next to the model's name.
    const message = error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
    const comparison = { tensor: '', elements: 0, maxAbsError: Number.NaN, passed: false, message };
    return { model: name, backend: '', renderer: '', comparison, passed: false, error: message };
  }
};
