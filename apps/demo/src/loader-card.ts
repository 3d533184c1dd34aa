import { h, select } from './dom';
import { fetchBytes, formatBytes, readFileBytes, type DownloadProgress } from './model/fetch-bytes';
import { isGguf, isHuggingFaceFolder, looksLikeLlama2cTokenizer } from './model/file-kinds';
import type { ModelFiles } from './model/protocol';

export type { ModelFiles };

const HF = 'https://huggingface.co/karpathy/tinyllamas/resolve/main/stories260K';

/** The sources the select offers. `local` is the dev/preview server's `/models/` (../shared/models). */
export const PRESETS = {
  hub: { label: 'Hugging Face: karpathy/tinyllamas stories260K', model: `${HF}/stories260K.bin`, tokenizer: `${HF}/tok512.bin` },
  local: { label: 'This server: models/stories260K (dev server, tests)', model: 'models/stories260K/stories260K.bin', tokenizer: 'models/stories260K/tok512.bin' },
  localGguf: { label: 'This server: models/stories260K.gguf (GGUF, tokenizer inside)', model: 'models/stories260K/stories260K.gguf', tokenizer: '' },
  urls: { label: 'Other URLs…', model: '', tokenizer: '' },
  files: { label: 'Files on this computer (or drop them here)…', model: '', tokenizer: '' },
} as const;
export type PresetName = keyof typeof PRESETS;

const OFFLINE_HINT = 'Offline? Files work without a network: choose “Files on this computer” and pick (or drop) stories260K.bin with tok512.bin, a .gguf, or a Hugging Face folder’s config.json + model.safetensors + tokenizer.json.';

/**
 * The "load a model" card: a source, the URLs or files (picked or dropped), a Load button, one progress line
 * per file (each with its own failure), and a status line that says clearly what went wrong.
 * `?source=local` (or `?model=URL&tokenizer=URL`) in the page's address preselects. A model URL ending in "/"
 * is a Hugging Face folder (config.json, model.safetensors, tokenizer.json are fetched from it).
 */
export class LoaderCard {
  readonly element: HTMLElement;
  readonly #source = select(
    'model-source',
    Object.entries(PRESETS).map(([value, p]) => ({ value, label: p.label })),
    'hub',
  );
  readonly #modelUrl = h('input', { id: 'model-url', type: 'url', placeholder: 'model: llama2.c .bin, .gguf, or a Hugging Face folder URL ending in /', spellcheck: 'false', 'aria-label': 'model URL' });
  readonly #tokenizerUrl = h('input', { id: 'tokenizer-url', type: 'url', placeholder: 'tokenizer: llama2.c tokenizer .bin (not needed for GGUF)', spellcheck: 'false', 'aria-label': 'tokenizer URL' });
  readonly #files = h('input', { id: 'model-files', type: 'file', multiple: true, accept: '.bin,.gguf,.json,.safetensors' });
  readonly #load = h('button', { id: 'load-model', type: 'button', class: 'primary' }, 'Load model');
  readonly #progress = h('ul', { class: 'file-progress', id: 'load-files', 'data-testid': 'load-files' });
  readonly #status = h('p', { class: 'status', id: 'load-status', role: 'status', 'aria-live': 'polite' });
  readonly #hint = h('p', { class: 'note', id: 'offline-hint', hidden: true }, OFFLINE_HINT);
  readonly #urlRows: HTMLElement;
  readonly #fileRow: HTMLElement;
  #dropped: File[] | null = null;
  #onLoad: (files: ModelFiles) => Promise<void> = async () => {};

  constructor() {
    this.#urlRows = h('div', {}, h('div', { class: 'row' }, this.#modelUrl), h('div', { class: 'row' }, this.#tokenizerUrl));
    this.#fileRow = h('div', { class: 'row' }, h('label', {}, 'Pick the model (.bin + tokenizer .bin, one .gguf, or a Hugging Face folder’s files): ', this.#files));
    this.element = h(
      'div',
      { class: 'card', id: 'loader' },
      h('h2', {}, 'Model'),
      h('div', { class: 'row' }, this.#source, this.#load),
      this.#urlRows,
      this.#fileRow,
      this.#progress,
      this.#status,
      this.#hint,
    );
    const params = new URLSearchParams(globalThis.location?.search ?? '');
    const source = params.get('source');
    if (params.get('model')) {
      this.#source.value = 'urls';
      this.#modelUrl.value = params.get('model')!;
      this.#tokenizerUrl.value = params.get('tokenizer') ?? '';
    } else if (source && source in PRESETS) {
      this.#source.value = source;
    }
    this.#applyPreset();
    this.#source.addEventListener('change', () => this.#applyPreset());
    this.#files.addEventListener('change', () => (this.#dropped = null));
    this.#load.addEventListener('click', () => void this.load());
    globalThis.addEventListener?.('offline', () => (this.#hint.hidden = false));
    // Drop files anywhere on the card: they become the "files" source and load at once.
    this.element.addEventListener('dragover', (event) => {
      event.preventDefault();
      this.element.classList.add('dropping');
    });
    this.element.addEventListener('dragleave', () => this.element.classList.remove('dropping'));
    this.element.addEventListener('drop', (event) => {
      event.preventDefault();
      this.element.classList.remove('dropping');
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length === 0) return;
      this.#source.value = 'files';
      this.#applyPreset();
      this.#dropped = files;
      void this.load();
    });
  }

  onLoad(listener: (files: ModelFiles) => Promise<void>): void {
    this.#onLoad = listener;
  }

  /** Reports a message (an error in red). */
  status(message: string, error = false): void {
    this.#status.textContent = message;
    this.#status.classList.toggle('error', error);
    this.#status.dataset.kind = error ? 'error' : 'info';
  }

  #applyPreset(): void {
    const name = this.#source.value as PresetName;
    const preset = PRESETS[name];
    const editable = name === 'urls';
    this.#urlRows.hidden = name === 'files';
    this.#fileRow.hidden = name !== 'files';
    if (!editable && name !== 'files') {
      this.#modelUrl.value = preset.model;
      this.#tokenizerUrl.value = preset.tokenizer;
    }
    this.#modelUrl.readOnly = !editable;
    this.#tokenizerUrl.readOnly = !editable;
  }

  /** One progress line per file: its name, a bar, bytes so far, and its own error. */
  #line(name: string): { report: (p: DownloadProgress) => void; fail: (message: string) => void } {
    const bar = h('progress', { max: 1, value: 0 });
    const text = h('span', { class: 'file-text' }, `${name}: starting…`);
    const li = h('li', { 'data-file': name, 'data-state': 'loading' }, bar, text);
    this.#progress.append(li);
    return {
      report: (p) => {
        if (li.dataset.state === 'error') return;
        if (p.total) bar.value = p.loaded / p.total;
        else bar.removeAttribute('value');
        const done = p.total !== null && p.loaded >= p.total;
        li.dataset.state = done ? 'done' : 'loading';
        text.textContent = `${name}: ${formatBytes(p.loaded)}${p.total ? ` of ${formatBytes(p.total)}` : ''}${done ? ' ✓' : ''}`;
      },
      fail: (message) => {
        li.dataset.state = 'error';
        text.textContent = `${name}: ${message}`;
      },
    };
  }

  /** Reads the chosen files (download or pick), then hands them to the app, reporting progress and errors. */
  async load(): Promise<void> {
    this.#load.disabled = true;
    this.#progress.replaceChildren();
    this.status('Reading the model files…');
    try {
      const files = await this.#read();
      this.status(`Building ${files.name}…`);
      await this.#onLoad(files);
      this.#hint.hidden = true;
    } catch (error) {
      this.status((error as Error).message, true);
      if (/Could not download|Failed to fetch|NetworkError/i.test((error as Error).message) || globalThis.navigator?.onLine === false) this.#hint.hidden = false;
    } finally {
      this.#load.disabled = false;
    }
  }

  /** Runs every read to its end (so no line is left "loading"), then throws the first failure. */
  async #all<T>(jobs: { name: string; run: (report: (p: DownloadProgress) => void) => Promise<T> }[]): Promise<T[]> {
    const settled = await Promise.allSettled(
      jobs.map(async ({ name, run }) => {
        const line = this.#line(name);
        try {
          return await run(line.report);
        } catch (error) {
          line.fail((error as Error).message);
          throw error;
        }
      }),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  }

  async #read(): Promise<ModelFiles> {
    if (this.#source.value === 'files') return this.#readPicked(this.#dropped ?? [...(this.#files.files ?? [])]);
    const modelUrl = this.#modelUrl.value.trim();
    const tokenizerUrl = this.#tokenizerUrl.value.trim();
    if (!modelUrl) throw new Error('Enter the URL of a model file (a llama2.c .bin, a .gguf, or a Hugging Face folder ending in /).');
    if (modelUrl.endsWith('/')) return this.#readFolderUrl(modelUrl);
    const jobs = [{ name: fileName(modelUrl), run: (r: (p: DownloadProgress) => void) => fetchBytes(modelUrl, r) }];
    if (tokenizerUrl) jobs.push({ name: fileName(tokenizerUrl), run: (r) => fetchBytes(tokenizerUrl, r) });
    const [model, tokenizer] = await this.#all(jobs);
    return { name: fileName(modelUrl), model, tokenizer: tokenizer ?? null };
  }

  /** A Hugging Face folder by URL: config.json, then the weights and tokenizer.json. */
  async #readFolderUrl(base: string): Promise<ModelFiles> {
    const names = ['config.json', 'model.safetensors', 'tokenizer.json'];
    const buffers = await this.#all(names.map((name) => ({ name, run: (r: (p: DownloadProgress) => void) => fetchBytes(base + name, r) })));
    return { name: fileName(base.slice(0, -1)), model: null, tokenizer: null, folder: Object.fromEntries(names.map((n, i) => [n, buffers[i]])) };
  }

  async #readPicked(picked: File[]): Promise<ModelFiles> {
    if (picked.length === 0) throw new Error('Pick a model file first (a llama2.c .bin with its tokenizer .bin, one .gguf, or a Hugging Face folder’s files).');
    const buffers = await this.#all(picked.map((f) => ({ name: f.name, run: (r: (p: DownloadProgress) => void) => readFileBytes(f, r) })));
    const names = picked.map((f) => f.name);
    if (isHuggingFaceFolder(names)) {
      return { name: 'Hugging Face folder', model: null, tokenizer: null, folder: Object.fromEntries(names.map((n, i) => [n, buffers[i]])) };
    }
    // Tell the checkpoint from the tokenizer by content, not by name: both are ".bin".
    const gguf = buffers.findIndex(isGguf);
    if (gguf >= 0) {
      const rest = buffers.filter((_, i) => i !== gguf);
      return { name: picked[gguf].name, model: buffers[gguf], tokenizer: rest[0] ?? null };
    }
    if (picked.length !== 2) throw new Error(`A llama2.c checkpoint needs two files (the model .bin and its tokenizer .bin); ${picked.length} picked.`);
    const modelFirst = !looksLikeLlama2cTokenizer(buffers[0]);
    const [m, t] = modelFirst ? [0, 1] : [1, 0];
    return { name: picked[m].name, model: buffers[m], tokenizer: buffers[t] };
  }
}

function fileName(url: string): string {
  return decodeURIComponent(url.split('?')[0].split('/').pop() || url);
}
