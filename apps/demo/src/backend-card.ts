import { h } from './dom';

/** Which backend the user wants. */
export type BackendChoice = 'gpu' | 'cpu';

/** True when this browser can make a WebGL2 context (what gpu.js's fastest mode needs). */
export function hasWebGL2(): boolean {
  try {
    return document.createElement('canvas').getContext('webgl2') !== null;
  } catch {
    return false;
  }
}

/**
 * The backend switch: GPU (gpu.js on WebGL2) or CPU (the reference backend), the active gpu.js mode as the
 * backend names itself ('gpu.js:webgl2'), and the speed of the last forward pass / generation.
 */
export class BackendCard {
  readonly element: HTMLElement;
  readonly #gpu = h('input', { type: 'radio', name: 'backend', id: 'backend-gpu', value: 'gpu' });
  readonly #cpu = h('input', { type: 'radio', name: 'backend', id: 'backend-cpu', value: 'cpu' });
  readonly #active = h('strong', { id: 'active-backend', 'data-testid': 'active-backend' }, '—');
  readonly #speed = h('span', { id: 'speed', 'data-testid': 'speed' });
  readonly #note = h('p', { class: 'status' });
  #onChange: (choice: BackendChoice) => Promise<void> = async () => {};

  constructor() {
    const webgl2 = hasWebGL2();
    this.#gpu.disabled = !webgl2;
    (webgl2 ? this.#gpu : this.#cpu).checked = true;
    this.element = h(
      'div',
      { class: 'card', id: 'backend' },
      h('h2', {}, 'Backend'),
      h(
        'div',
        { class: 'row' },
        h('label', {}, this.#gpu, 'GPU (gpu.js, WebGL2)'),
        h('label', {}, this.#cpu, 'CPU (reference)'),
      ),
      h('p', { class: 'backend-status' }, 'active: ', this.#active, ' ', this.#speed),
      this.#note,
    );
    if (!webgl2) this.#note.textContent = 'This browser has no WebGL2: the model runs on the CPU.';
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

  /** Shows the backend that actually runs (it may differ from the choice when the GPU failed). */
  setActive(name: string, choice: BackendChoice, note = ''): void {
    this.#active.textContent = name;
    this.#active.dataset.backend = name;
    (choice === 'gpu' ? this.#gpu : this.#cpu).checked = true;
    this.#note.textContent = note;
    this.#note.classList.toggle('error', note !== '' && choice === 'cpu' && this.#gpu.disabled === false);
  }

  setSpeed(text: string): void {
    this.#speed.textContent = text;
  }

  setEnabled(enabled: boolean): void {
    this.#gpu.disabled = !enabled || !hasWebGL2();
    this.#cpu.disabled = !enabled;
  }
}
