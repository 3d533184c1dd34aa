import { drawHeatmap } from '../draw/heatmap';
import { h, panelFrame, select, setOptions, widthOf } from '../dom';
import type { Analysis, ModelInfo } from '../model/types';
import { headWeights } from './attention-panel';

/**
 * Step 5, multi-head attention: every head of a layer side by side. Heads run in parallel on slices of the
 * vector and learn different patterns (previous token, first token, same word...); their outputs are
 * concatenated and mixed by the output projection. Click a head to open it in step 4.
 */
export class HeadsPanel {
  readonly element: HTMLElement;
  readonly #layer = select('heads-layer', []);
  readonly #grid = h('div', { class: 'heads-grid', 'data-testid': 'heads-grid' });
  readonly #gqa = h('p', { class: 'note', 'data-testid': 'gqa-note' });
  #info: ModelInfo | null = null;
  #analysis: Analysis | null = null;
  #onOpen: (layer: number, head: number) => void = () => {};

  constructor() {
    const { section, body } = panelFrame(
      5,
      'panel-heads',
      'Multi-head attention',
      'A layer runs several attention heads at once, each on its own slice of the vector, and concatenates what they find. Different heads learn to look for different things.',
    );
    body.append(h('div', { class: 'controls' }, h('label', {}, 'layer ', this.#layer)), this.#gqa, this.#grid);
    this.element = section;
    this.#layer.addEventListener('change', () => this.draw());
  }

  onOpen(listener: (layer: number, head: number) => void): void {
    this.#onOpen = listener;
  }

  setModel(info: ModelInfo): void {
    this.#info = info;
    setOptions(this.#layer, Array.from({ length: info.layers }, (_, l) => ({ value: String(l), label: String(l) })), '0');
    const group = info.heads / info.kvHeads;
    if (info.kvHeads < info.heads) {
      const groups = Array.from({ length: info.kvHeads }, (_, g) => `heads ${g * group}–${(g + 1) * group - 1} share kv head ${g}`);
      this.#gqa.textContent = `Grouped-query attention: ${info.heads} query heads share ${info.kvHeads} key/value head${info.kvHeads === 1 ? '' : 's'} (${groups.join('; ')}). Heads in a group look at the same keys through different queries, so their maps differ, while the KV cache is ${group}× smaller.`;
    } else {
      this.#gqa.textContent = `Each of the ${info.heads} heads has its own keys and values.`;
    }
  }

  update(analysis: Analysis): void {
    this.#analysis = analysis;
    this.draw();
  }

  draw(): void {
    const info = this.#info;
    const a = this.#analysis;
    if (!info || !a) return;
    const layer = Number(this.#layer.value);
    const seq = a.tokens.length;
    const perRow = Math.min(info.heads, Math.max(2, Math.floor(widthOf(this.element) / 170)));
    const size = Math.floor(Math.min(220, (widthOf(this.element) - 24) / perRow - 16));
    const group = info.heads / info.kvHeads;
    this.#grid.replaceChildren(
      ...Array.from({ length: info.heads }, (_, head) => {
        const canvas = h('canvas', { class: 'picture', 'data-head': head });
        drawHeatmap(canvas, { rows: seq, cols: seq, values: headWeights(a.attention[layer], head, seq), min: 0, max: 1, causal: true, maxWidth: size, maxCell: size / Math.max(seq, 1), minCell: 0.25 });
        const figure = h(
          'button',
          { class: 'head', type: 'button', title: `Open layer ${layer} head ${head} in step 4`, 'data-head': head },
          canvas,
          h('span', { class: 'head-label' }, `head ${head}`, info.kvHeads < info.heads ? h('span', { class: 'muted' }, ` · kv ${Math.floor(head / group)}`) : null),
        );
        figure.addEventListener('click', () => this.#onOpen(layer, head));
        return figure;
      }),
    );
  }
}
