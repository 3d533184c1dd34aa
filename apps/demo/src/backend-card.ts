import { h } from './dom';
import type { RendererInfo } from './model/renderer';

/** Which backend the user wants. */
export type BackendChoice = 'gpu' | 'cpu';

/**
 * The backend switch: GPU (gpu.js on WebGL2) or CPU (the reference backend). Shows the WebGL renderer, the
 * active backend as it names itself ('gpu.js:webgl2', 'cpu'), where it runs (worker or page), and the measured
 * milliseconds per token of each backend once it has generated.
 */
export class BackendCard {
  readonly element: HTMLElement;
  readonly #gpu = h('input', { type: 'radio', name: 'backend', id: 'backend-gpu', value: 'gpu' });
  readonly #cpu = h('input', { type: 'radio', name: 'backend', id: 'backend-cpu', value: 'cpu' });
  readonly #active = h('strong', { id: 'active-backend', 'data-testid': 'active-backend' }, '—');
  readonly #where = h('span', { class: 'muted', 'data-testid': 'engine-where' });
  readonly #threads = h('span', { class: 'muted', 'data-testid': 'cpu-threads' });
  readonly #speed = h('span', { id: 'speed', 'data-testid': 'speed' });
  readonly #renderer = h('p', { class: 'readout', 'data-testid': 'renderer' });
  readonly #measured = h('p', { class: 'readout', 'data-testid': 'measured' }, 'ms per token: GPU —, CPU — (each is measured when it generates).');
  readonly #note = h('p', { class: 'status', 'data-testid': 'backend-note' });
  readonly #perToken: Record<BackendChoice, number | null> = { gpu: null, cpu: null };
  readonly #info: RendererInfo;
  #onChange: (choice: BackendChoice) => Promise<void> = async () => {};

  constructor(info: RendererInfo) {
    this.#info = info;
    this.#gpu.disabled = !info.webgl2;
    // An honest default: a software rasteriser runs gpu.js slower than the plain CPU backend.
    (info.webgl2 && !info.software ? this.#gpu : this.#cpu).checked = true;
    this.element = h(
      'div',
      { class: 'card', id: 'backend' },
      h('h2', {}, 'Backend'),
      h('div', { class: 'row' }, h('label', {}, this.#gpu, 'GPU (gpu.js, WebGL2)'), h('label', {}, this.#cpu, 'CPU (reference)')),
      h('p', { class: 'backend-status' }, 'active: ', this.#active, ' ', this.#where, ' ', this.#threads, ' ', this.#speed),
      this.#renderer,
      this.#measured,
      this.#note,
    );
    this.#renderer.textContent = `WebGL renderer: ${info.renderer}${info.software ? ' (a software rasteriser)' : ''}`;
    this.element.dataset.defaultReason = !info.webgl2 ? 'no-webgl2' : info.software ? 'software-renderer' : 'gpu';
    if (!info.webgl2) this.#note.textContent = 'This browser has no WebGL2: the model runs on the CPU.';
    else if (info.software) this.#note.textContent = `The GPU here is a software rasteriser (${info.renderer}): the GPU backend would run its shaders on the CPU, slower than the CPU backend, so the page starts on the CPU. Try the GPU switch to compare.`;
    for (const input of [this.#gpu, this.#cpu]) {
      input.addEventListener('change', () => {
        if (input.checked) void this.#onChange(input.value as BackendChoice);
      });
    }
  }

  /** What the radio buttons say now. */
  get choice(): BackendChoice {
    return this.#gpu.checked ? 'gpu' : 'cpu';
  }

  onChange(listener: (choice: BackendChoice) => Promise<void>): void {
    this.#onChange = listener;
  }

  /** Shows the backend that actually runs (it may differ from the choice when the GPU failed) and where. */
  setActive(name: string, choice: BackendChoice, where: 'worker' | 'page', note = ''): void {
    this.#active.textContent = name;
    this.#active.dataset.backend = name;
    this.#where.textContent = where === 'worker' ? '(in a Web Worker)' : '(in the page, yielding per token)';
    this.#where.dataset.where = where;
    (choice === 'gpu' ? this.#gpu : this.#cpu).checked = true;
    if (note) this.#note.textContent = note;
    this.#note.classList.toggle('error', note !== '' && choice === 'cpu' && this.#info.webgl2);
  }

  /**
   * Shows the CPU backend's thread count (null: the GPU runs). One thread on a page that is not cross-origin
   * isolated says why: worker threads share memory through SharedArrayBuffer, which needs COOP/COEP headers.
   */
  setThreads(threads: number | null, isolated: boolean): void {
    this.#threads.dataset.threads = String(threads ?? '');
    if (threads === null) this.#threads.textContent = '';
    else if (threads > 1) this.#threads.textContent = `· ${threads} threads`;
    else this.#threads.textContent = isolated ? '· 1 thread' : '· 1 thread (the page is not cross-origin isolated: no SharedArrayBuffer for worker threads)';
  }

  setSpeed(text: string): void {
    this.#speed.textContent = text;
  }

  /** Records a backend's measured ms per token (mean over a generation) and shows both. */
  setPerToken(choice: BackendChoice, ms: number): void {
    this.#perToken[choice] = ms;
    const show = (c: BackendChoice) => (this.#perToken[c] === null ? '—' : `${this.#perToken[c]!.toFixed(1)} ms`);
    this.#measured.textContent = `ms per token: GPU ${show('gpu')}, CPU ${show('cpu')} (mean of the last generation on each).`;
    this.#measured.dataset.gpu = String(this.#perToken.gpu ?? '');
    this.#measured.dataset.cpu = String(this.#perToken.cpu ?? '');
  }

  setEnabled(enabled: boolean): void {
    this.#gpu.disabled = !enabled || !this.#info.webgl2;
    this.#cpu.disabled = !enabled;
  }
}
