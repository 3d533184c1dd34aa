import { drawBars } from '../draw/bars';
import { visibleToken } from '../draw/canvas';
import { sequential } from '../draw/color';
import { h, panelFrame, widthOf } from '../dom';
import { samplingDistribution, softmaxOf, topIndices } from '../math/distribution';
import type { GeneratedToken, ModelInfo, SamplingSettings } from '../model/types';

/** What the Generate button asks the app to do; it calls back per token and resolves when done or stopped. */
export type GenerateHandler = (settings: SamplingSettings, maxTokens: number, onToken: (token: GeneratedToken, msPerToken: number) => void) => Promise<{ stopped: boolean }>;

function numberInput(id: string, value: number, min: number, max: number, step: number): HTMLInputElement {
  return h('input', { id, type: 'number', value, min, max, step });
}

/**
 * Step 6, output: the last position's vector, times the (tied) embedding table, gives a score per vocabulary
 * entry; softmax makes them probabilities. Sampling picks one, appends it, and the whole thing runs again.
 */
export class OutputPanel {
  readonly element: HTMLElement;
  readonly #bars = h('canvas', { class: 'picture', 'data-testid': 'next-token-bars' });
  readonly #barsCaption = h('p', { class: 'caption' });
  readonly #temperature = numberInput('temperature', 0, 0, 2, 0.1);
  readonly #topK = numberInput('top-k', 0, 0, 512, 1);
  readonly #topP = numberInput('top-p', 0.9, 0.05, 1, 0.05);
  readonly #seed = numberInput('seed', 42, 0, 2 ** 31, 1);
  readonly #count = numberInput('max-tokens', 32, 1, 512, 1);
  readonly #generate = h('button', { id: 'generate', type: 'button', class: 'primary' }, 'Generate');
  readonly #stop = h('button', { id: 'stop', type: 'button', disabled: true }, 'Stop');
  readonly #stream = h('div', { class: 'stream', 'data-testid': 'generated' });
  readonly #speed = h('p', { class: 'readout', 'data-testid': 'generation-speed' });
  readonly #blocked = h('p', { class: 'status', 'data-testid': 'generate-blocked' });
  #info: ModelInfo | null = null;
  #logits: Float32Array | null = null;
  #prompt = '';
  #handler: GenerateHandler | null = null;
  #onStop: () => number | null = () => null;
  #blockReason: string | null = 'Load a model first.';
  #running = false;

  constructor() {
    const { section, body } = panelFrame(
      7,
      'panel-output',
      'Output',
      'The final vector of the last token is compared with every row of the embedding table (this model ties its output to its input embeddings); softmax turns the scores into next-token probabilities. Sampling picks one, appends it to the prompt, and the model runs again: that is generation.',
    );
    body.append(
      h(
        'div',
        { class: 'controls' },
        h('label', { title: '0 = greedy: always the most probable token' }, 'temperature ', this.#temperature),
        h('label', { title: '0 = off' }, 'top-k ', this.#topK),
        h('label', { title: 'nucleus sampling; 1 = off' }, 'top-p ', this.#topP),
        h('label', {}, 'seed ', this.#seed),
      ),
      this.#bars,
      this.#barsCaption,
      h('div', { class: 'controls' }, h('label', {}, 'tokens ', this.#count), this.#generate, this.#stop),
      this.#blocked,
      this.#stream,
      this.#speed,
    );
    this.element = section;
    for (const el of [this.#temperature, this.#topK, this.#topP]) el.addEventListener('input', () => this.draw());
    this.#generate.addEventListener('click', () => void this.#run());
    this.#stop.addEventListener('click', () => {
      this.#stop.disabled = true;
      const made = this.#onStop();
      // How many tokens existed when Stop was pressed (the browser test compares it with the final count).
      if (made !== null) this.element.dataset.madeAtStop = String(made);
    });
    this.setBlocked(this.#blockReason);
  }

  setModel(info: ModelInfo, handler: GenerateHandler, onStop: () => number | null): void {
    this.#info = info;
    // The last model's logits index its own vocabulary: nothing is drawn until this model's first analysis.
    this.#logits = null;
    this.#handler = handler;
    this.#onStop = onStop;
  }

  /** Disables Generate with the reason shown beside it (null: enabled). */
  setBlocked(reason: string | null): void {
    this.#blockReason = reason;
    this.#generate.disabled = reason !== null || this.#running;
    this.#generate.title = reason ?? '';
    this.#blocked.textContent = reason ? `Generate is off: ${reason}` : '';
    this.element.dataset.blocked = reason ?? '';
  }

  settings(): SamplingSettings {
    const n = (el: HTMLInputElement, fallback: number) => (Number.isFinite(el.valueAsNumber) ? el.valueAsNumber : fallback);
    return { temperature: Math.max(0, n(this.#temperature, 0)), topK: Math.max(0, Math.round(n(this.#topK, 0))), topP: Math.min(1, Math.max(0.01, n(this.#topP, 1))), seed: Math.round(n(this.#seed, 42)) };
  }

  update(prompt: string, logits: Float32Array): void {
    this.#prompt = prompt;
    this.#logits = logits;
    this.#stream.replaceChildren(h('span', { class: 'prompt-text' }, prompt));
    this.#speed.textContent = '';
    this.#speed.classList.remove('error');
    this.draw();
  }

  draw(): void {
    const info = this.#info;
    const logits = this.#logits;
    if (!info || !logits) return;
    const settings = this.settings();
    const model = softmaxOf(logits);
    const sampled = samplingDistribution(logits, settings);
    const top = topIndices(model, 10);
    const shown = settings.temperature > 0 ? sampled : model;
    drawBars(this.#bars, top.map((id) => ({ label: visibleToken(info.pieces[id]), value: shown[id], emphasised: sampled[id] > 0 })), Math.min(640, widthOf(this.element) - 40));
    this.element.dataset.top = JSON.stringify(top.map((id) => ({ id, p: model[id] })));
    const candidates = sampled.reduce((n, p) => n + (p > 0 ? 1 : 0), 0);
    this.#barsCaption.textContent =
      settings.temperature > 0
        ? `The 10 most probable next tokens; bars show the distribution sampled from after temperature ${settings.temperature}${settings.topK ? `, top-k ${settings.topK}` : ''}${settings.topP < 1 ? `, top-p ${settings.topP}` : ''}: ${candidates} token${candidates === 1 ? '' : 's'} can be drawn (outlined).`
        : 'The 10 most probable next tokens under the model (softmax of the logits). Temperature 0 is greedy decoding: the outlined top bar is always picked.';
  }

  async #run(): Promise<void> {
    if (!this.#handler || this.#blockReason !== null || this.#running) return;
    this.#running = true;
    this.#generate.disabled = true;
    this.#stop.disabled = false;
    this.element.dataset.generating = 'true';
    this.element.dataset.stopped = 'false';
    this.#stream.replaceChildren(h('span', { class: 'prompt-text' }, this.#prompt));
    const ids: number[] = [];
    try {
      // Tokens arrive as the worker makes them (every few ms); the DOM takes them once per frame, so a fast
      // backend costs one layout per frame instead of one per token.
      let pending: HTMLElement[] = [];
      let lastMs = 0;
      let frame = 0;
      const flush = () => {
        frame = 0;
        if (pending.length === 0) return;
        this.#stream.append(...pending);
        pending = [];
        this.#speed.textContent = `${ids.length} token${ids.length === 1 ? '' : 's'} · ${lastMs.toFixed(1)} ms per token`;
        this.element.dataset.generatedIds = JSON.stringify(ids);
      };
      const { stopped } = await this.#handler(this.settings(), Math.max(1, this.#count.valueAsNumber || 32), (token, ms) => {
        ids.push(token.id);
        this.element.dataset.received = String(ids.length);
        lastMs = ms;
        const p = token.probability;
        // The text flows as text (words are not split); each token is underlined in the colour of its probability
        // and the boundaries between tokens are a faint tick.
        pending.push(
          h('span', { class: 'generated-token', title: `id ${token.id} · p = ${p.toFixed(4)}`, 'data-id': token.id, 'data-p': p.toFixed(6), style: `border-bottom-color:${sequential(p)}` },
            h('span', { class: 'generated-text' }, token.text),
          ),
        );
        frame ||= requestAnimationFrame(flush);
      });
      cancelAnimationFrame(frame);
      flush();
      this.element.dataset.stopped = String(stopped);
      if (stopped) this.#speed.textContent += ' · stopped';
    } catch (error) {
      this.#speed.textContent = `Generation failed: ${(error as Error).message}`;
      this.#speed.classList.add('error');
    } finally {
      this.#running = false;
      this.setBlocked(this.#blockReason);
      this.#stop.disabled = true;
      this.element.dataset.generating = 'false';
      this.element.dataset.generatedText = [...this.#stream.querySelectorAll('.generated-text')].map((el) => el.textContent ?? '').join('');
    }
  }
}
