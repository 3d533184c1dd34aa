import { h, select } from './dom';
import { fetchBytes, formatBytes, readFileBytes, type DownloadProgress } from './model/fetch-bytes';

/** Where the model comes from: two files (a llama2.c .bin and its tokenizer) or one GGUF (tokenizer inside). */
export interface ModelFiles {
  name: string;
  model: ArrayBuffer;
  tokenizer: ArrayBuffer | null;
}

const HF = 'https://huggingface.co/karpathy/tinyllamas/resolve/main/stories260K';

/** The sources the select offers. `local` is the dev/preview server's `/models/` (../shared/models). */
export const PRESETS = {
  hub: { label: 'Hugging Face: karpathy/tinyllamas stories260K', model: `${HF}/stories260K.bin`, tokenizer: `${HF}/tok512.bin` },
  local: { label: 'This server: models/stories260K (dev server, tests)', model: 'models/stories260K/stories260K.bin', tokenizer: 'models/stories260K/tok512.bin' },
  localGguf: { label: 'This server: models/stories260K.gguf (GGUF, tokenizer inside)', model: 'models/stories260K/stories260K.gguf', tokenizer: '' },
  urls: { label: 'Other URLs…', model: '', tokenizer: '' },
  files: { label: 'Files on this computer…', model: '', tokenizer: '' },
} as const;
export type PresetName = keyof typeof PRESETS;

/**
 * The "load a model" card: a source, the URLs or files, a Load button, progress, and a status line that says
 * clearly what went wrong. `?source=local` (or `?model=URL&tokenizer=URL`) in the page's address preselects.
 */
export class LoaderCard {
  readonly element: HTMLElement;
  readonly #source = select(
    'model-source',
    Object.entries(PRESETS).map(([value, p]) => ({ value, label: p.label })),
    'hub',
  );
  readonly #modelUrl = h('input', { id: 'model-url', type: 'url', placeholder: 'model: llama2.c .bin or .gguf', spellcheck: 'false' });
  readonly #tokenizerUrl = h('input', { id: 'tokenizer-url', type: 'url', placeholder: 'tokenizer: llama2.c tokenizer .bin (not needed for GGUF)', spellcheck: 'false' });
  readonly #files = h('input', { id: 'model-files', type: 'file', multiple: true, accept: '.bin,.gguf' });
  readonly #load = h('button', { id: 'load-model', type: 'button', class: 'primary' }, 'Load model');
  readonly #progress = h('progress', { id: 'load-progress', max: 1, value: 0, hidden: true });
  readonly #status = h('p', { class: 'status', id: 'load-status', role: 'status', 'aria-live': 'polite' });
  readonly #urlRows: HTMLElement;
  readonly #fileRow: HTMLElement;
  #onLoad: (files: ModelFiles) => Promise<void> = async () => {};

  constructor() {
    this.#urlRows = h('div', {}, h('div', { class: 'row' }, this.#modelUrl), h('div', { class: 'row' }, this.#tokenizerUrl));
    this.#fileRow = h('div', { class: 'row' }, h('label', {}, 'Pick the model (.bin or .gguf) and, for a .bin, its tokenizer: ', this.#files));
    this.element = h(
      'div',
      { class: 'card', id: 'loader' },
      h('h2', {}, 'Model'),
      h('div', { class: 'row' }, this.#source, this.#load),
      this.#urlRows,
      this.#fileRow,
      this.#progress,
      this.#status,
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
    this.#load.addEventListener('click', () => void this.load());
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

  /** Reads the chosen files (download or pick), then hands them to the app, reporting progress and errors. */
  async load(): Promise<void> {
    this.#load.disabled = true;
    this.#progress.hidden = false;
    this.#progress.value = 0;
    const progress = new Map<string, DownloadProgress>();
    const report = (p: DownloadProgress) => {
      progress.set(p.url, p);
      const all = [...progress.values()];
      const loaded = all.reduce((s, x) => s + x.loaded, 0);
      const total = all.every((x) => x.total !== null) ? all.reduce((s, x) => s + (x.total ?? 0), 0) : null;
      if (total) this.#progress.value = loaded / total;
      else this.#progress.removeAttribute('value');
      this.status(`Downloading ${all.map((x) => x.url.split('/').pop()).join(' + ')}: ${formatBytes(loaded)}${total ? ` of ${formatBytes(total)}` : ''}`);
    };
    try {
      const files = await this.#read(report);
      this.#progress.value = 1;
      this.status(`Building ${files.name}…`);
      await this.#onLoad(files);
    } catch (error) {
      this.status((error as Error).message, true);
    } finally {
      this.#load.disabled = false;
      this.#progress.hidden = true;
    }
  }

  async #read(report: (p: DownloadProgress) => void): Promise<ModelFiles> {
    if (this.#source.value === 'files') {
      const picked = [...(this.#files.files ?? [])];
      if (picked.length === 0) throw new Error('Pick a model file first (a llama2.c .bin with its tokenizer .bin, or one .gguf).');
      const buffers = await Promise.all(picked.map((f) => readFileBytes(f, report)));
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
    const modelUrl = this.#modelUrl.value.trim();
    const tokenizerUrl = this.#tokenizerUrl.value.trim();
    if (!modelUrl) throw new Error('Enter the URL of a model file (a llama2.c .bin or a .gguf).');
    const [model, tokenizer] = await Promise.all([fetchBytes(modelUrl, report), tokenizerUrl ? fetchBytes(tokenizerUrl, report) : Promise.resolve(null)]);
    return { name: decodeURIComponent(modelUrl.split('/').pop() || modelUrl), model, tokenizer };
  }
}

/** GGUF files start with the magic "GGUF". */
export function isGguf(bytes: ArrayBuffer): boolean {
  const b = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  return b.length === 4 && b[0] === 0x47 && b[1] === 0x47 && b[2] === 0x55 && b[3] === 0x46;
}

/**
 * True when the bytes walk as llama2.c's tokenizer format to the exact end: int32 max_token_length, then
 * (float32 score, int32 length ≤ max, bytes) records. A checkpoint's floats do not walk like that.
 */
function looksLikeLlama2cTokenizer(bytes: ArrayBuffer): boolean {
  if (bytes.byteLength < 12) return false;
  const view = new DataView(bytes);
  const maxLength = view.getInt32(0, true);
  if (maxLength <= 0 || maxLength > 1 << 16) return false;
  let pos = 4;
  while (pos + 8 <= bytes.byteLength) {
    const length = view.getInt32(pos + 4, true);
    if (length < 0 || length > maxLength) return false;
    pos += 8 + length;
  }
  return pos === bytes.byteLength;
}
