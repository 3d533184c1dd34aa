import { pointerPosition, visibleToken } from '../draw/canvas';
import { sequential, textOnSequential } from '../draw/color';
import { drawHeatmap, type HeatmapLayout } from '../draw/heatmap';
import { h, panelFrame, select, setOptions, widthOf } from '../dom';
import type { Analysis, ModelInfo, TokenView } from '../model/types';

/** One head's [seq, seq] attention weights out of a layer's [heads, seq, seq]. */
export function headWeights(layer: Float32Array, head: number, seq: number): Float32Array {
  return layer.subarray(head * seq * seq, (head + 1) * seq * seq); // [seq, seq]
}

/**
 * Step 4, self-attention: one head's attention matrix. Row i is query token i's softmax over the keys it may
 * see; the causal mask (hatched) hides every key after it. Hovering a row shows where that token looks.
 */
export class AttentionPanel {
  readonly element: HTMLElement;
  readonly #canvas = h('canvas', { class: 'picture', 'data-testid': 'attention-map' });
  readonly #layer = select('attention-layer', []);
  readonly #head = select('attention-head', []);
  readonly #box = h('div', { class: 'scroll-x' }, this.#canvas);
  readonly #looks = h('p', { class: 'looks', 'data-testid': 'attention-looks' });
  #info: ModelInfo | null = null;
  #tokens: readonly TokenView[] = [];
  #analysis: Analysis | null = null;
  #layout: HeatmapLayout | null = null;
  #hoveredRow: number | undefined;

  constructor() {
    const { section, body } = panelFrame(
      4,
      'panel-attention',
      'Self-attention',
      'Each token asks a question (its query) and every earlier token offers an answer (its key); softmax turns the scores q·k/√d into weights that sum to 1 along each row. The token then takes the weighted sum of the values. Hatched cells are the future: a language model may not look ahead.',
    );
    body.append(
      h('div', { class: 'controls' }, h('label', {}, 'layer ', this.#layer), h('label', {}, 'head ', this.#head)),
      this.#box,
      this.#looks,
    );
    this.element = section;
    for (const el of [this.#layer, this.#head]) el.addEventListener('change', () => this.draw());
    this.#canvas.addEventListener('mousemove', (event) => {
      const { x, y } = pointerPosition(this.#canvas, event);
      const row = this.#layout?.hit(x, y)?.row;
      if (row !== this.#hoveredRow) this.showRow(row);
    });
    this.#canvas.addEventListener('mouseleave', () => this.showRow(undefined));
  }

  setModel(info: ModelInfo): void {
    this.#info = info;
    setOptions(this.#layer, Array.from({ length: info.layers }, (_, l) => ({ value: String(l), label: String(l) })), '0');
    setOptions(this.#head, Array.from({ length: info.heads }, (_, l) => ({ value: String(l), label: `${l} (kv ${Math.floor(l / (info.heads / info.kvHeads))})` })), '0');
  }

  update(analysis: Analysis): void {
    this.#analysis = analysis;
    this.#tokens = analysis.tokens;
    this.#hoveredRow = undefined;
    this.draw();
  }

  /** Opens layer/head (the multi-head panel's click). */
  open(layer: number, head: number): void {
    this.#layer.value = String(layer);
    this.#head.value = String(head);
    this.draw();
  }

  /** The weights on screen: [seq, seq] of the selected layer and head. */
  current(): { layer: number; head: number; seq: number; weights: Float32Array } | null {
    const a = this.#analysis;
    if (!a) return null;
    const layer = Number(this.#layer.value);
    const head = Number(this.#head.value);
    const seq = a.tokens.length;
    return { layer, head, seq, weights: headWeights(a.attention[layer], head, seq) };
  }

  draw(): void {
    const now = this.current();
    if (!now || !this.#info) return;
    const labels = this.#tokens.map((t) => visibleToken(t.piece));
    this.#layout = drawHeatmap(this.#canvas, {
      rows: now.seq,
      cols: now.seq,
      values: now.weights,
      rowLabels: labels,
      colLabels: labels,
      min: 0,
      max: 1,
      masked: (r, c) => c > r,
      maxWidth: widthOf(this.#box),
      maxCell: 34,
      showValues: true,
      highlightRow: this.#hoveredRow,
    });
    // The numbers this picture is drawn from, for anyone (and the browser test) to check.
    const rows = Array.from({ length: now.seq }, (_, r) => Array.from(now.weights.subarray(r * now.seq, (r + 1) * now.seq)));
    this.#canvas.dataset.layer = String(now.layer);
    this.#canvas.dataset.head = String(now.head);
    this.#canvas.dataset.weights = JSON.stringify(rows);
    const { left, top, cellWidth, cellHeight } = this.#layout;
    this.#canvas.dataset.layout = JSON.stringify({ left, top, cellWidth, cellHeight });
    this.#describe();
  }

  /** Highlights row `row` and writes where that token looks (or clears it). */
  showRow(row: number | undefined): void {
    this.#hoveredRow = row;
    this.draw();
  }

  #describe(): void {
    const now = this.current();
    const row = this.#hoveredRow;
    if (!now || row === undefined) {
      this.#looks.replaceChildren('Hover a row to see where that token looks.');
      return;
    }
    const weights = now.weights.subarray(row * now.seq, (row + 1) * now.seq);
    const parts: (Node | string)[] = [h('strong', {}, `${visibleToken(this.#tokens[row].piece)} looks at: `)];
    this.#tokens.forEach((t, c) => {
      if (c > row) return;
      const w = weights[c];
      parts.push(h('span', { class: 'look', style: `background:${sequential(w)};color:${textOnSequential(w)}`, title: `${(100 * w).toFixed(1)}%` }, visibleToken(t.piece)), ' ');
    });
    this.#looks.replaceChildren(...parts);
  }
}
