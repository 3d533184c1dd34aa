import { pointerPosition, visibleToken } from '../draw/canvas';
import { sequential, textOnSequential } from '../draw/color';
import { drawHeatmap, type HeatmapLayout } from '../draw/heatmap';
import { h, panelFrame, select, setOptions, widthOf } from '../dom';
import type { Analysis, ModelInfo, TokenView } from '../model/types';

/** One head's [seq, seq] attention weights out of a layer's [heads, seq, seq]. */
export function headWeights(layer: Float32Array, head: number, seq: number): Float32Array {
  return layer.subarray(head * seq * seq, (head + 1) * seq * seq); // [seq, seq]
}

/** Up to this many tokens the map is drawn whole with labels; past it, an overview and a zoomed window. */
export const WHOLE_MAP_TOKENS = 48;

/**
 * Step 4, self-attention: one head's attention matrix. Row i is query token i's softmax over the keys it may
 * see; the causal mask (hatched) hides every key after it. Hovering a row (or moving through rows with the
 * arrow keys) shows where that token looks. A long prompt gets an overview of the whole matrix and a zoomed,
 * labelled window that the overview moves (click, or arrow keys on it).
 */
export class AttentionPanel {
  readonly element: HTMLElement;
  readonly #canvas = h('canvas', { class: 'picture', 'data-testid': 'attention-map', tabindex: 0, 'aria-label': 'attention map: arrow keys move through the query rows' });
  readonly #overview = h('canvas', { class: 'picture overview', 'data-testid': 'attention-overview', tabindex: 0, 'aria-label': 'overview of the whole attention map: arrow keys move the zoomed window' });
  readonly #layer = select('attention-layer', []);
  readonly #head = select('attention-head', []);
  readonly #zoom = select('attention-zoom', [16, 32, 48].map((n) => ({ value: String(n), label: `${n} × ${n}` })), '32');
  readonly #box = h('div', { class: 'scroll-x' }, this.#canvas);
  readonly #overviewBox = h('div', { class: 'overview-box' }, h('h3', {}, 'Whole map (click or arrow keys to move the window; window ', this.#zoom, ')'), this.#overview, h('p', { class: 'hover-readout', 'data-testid': 'overview-readout' }));
  readonly #looks = h('p', { class: 'looks', 'data-testid': 'attention-looks', 'aria-live': 'polite' });
  #info: ModelInfo | null = null;
  #tokens: readonly TokenView[] = [];
  #analysis: Analysis | null = null;
  #layout: HeatmapLayout | null = null;
  #overviewLayout: HeatmapLayout | null = null;
  #hoveredRow: number | undefined;
  /** The zoomed window's top-left cell (long prompts). */
  #window = { row: 0, col: 0 };

  constructor() {
    const { section, body } = panelFrame(
      4,
      'panel-attention',
      'Self-attention',
      'Each token asks a question (its query) and every earlier token offers an answer (its key); softmax turns the scores q·k/√d into weights that sum to 1 along each row. The token then takes the weighted sum of the values. Hatched cells are the future: a language model may not look ahead.',
    );
    body.append(h('div', { class: 'controls' }, h('label', {}, 'layer ', this.#layer), h('label', {}, 'head ', this.#head)), this.#overviewBox, this.#box, this.#looks);
    this.element = section;
    for (const el of [this.#layer, this.#head]) el.addEventListener('change', () => this.draw());
    this.#zoom.addEventListener('change', () => this.#moveWindow(this.#window.row, this.#window.col));
    this.#canvas.addEventListener('mousemove', (event) => {
      const { x, y } = pointerPosition(this.#canvas, event);
      const row = this.#layout?.hit(x, y)?.row;
      const absolute = row === undefined ? undefined : row + this.#origin().row;
      if (absolute !== this.#hoveredRow) this.showRow(absolute);
    });
    this.#canvas.addEventListener('mouseleave', () => this.showRow(undefined));
    this.#canvas.addEventListener('keydown', (event) => {
      const seq = this.#tokens.length;
      const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
      if (!step || seq === 0) return;
      event.preventDefault();
      const row = Math.min(seq - 1, Math.max(0, (this.#hoveredRow ?? (step > 0 ? -1 : seq)) + step));
      if (this.#zoomed() && (row < this.#window.row || row >= this.#window.row + this.#size())) this.#window.row = Math.max(0, row - this.#size() + 1);
      this.showRow(row);
    });
    this.#canvas.addEventListener('blur', () => this.showRow(undefined));
    this.#overview.addEventListener('click', (event) => {
      const cell = this.#overviewLayout?.hit(pointerPosition(this.#overview, event).x, pointerPosition(this.#overview, event).y);
      if (cell) this.#moveWindow(cell.row - this.#size() / 2, cell.col - this.#size() / 2);
    });
    this.#overview.addEventListener('mousemove', (event) => {
      const { x, y } = pointerPosition(this.#overview, event);
      this.#describeCell(this.#overviewLayout?.hit(x, y) ?? null);
    });
    this.#overview.addEventListener('keydown', (event) => {
      const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      const step = Math.max(1, Math.floor(this.#size() / 4));
      this.#moveWindow(this.#window.row + move[0] * step, this.#window.col + move[1] * step);
      this.#describeCell({ row: this.#window.row, col: this.#window.col });
    });
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
    // Start on the end of the prompt, where the newest token looks back.
    const size = this.#size();
    this.#window = { row: Math.max(0, analysis.tokens.length - size), col: Math.max(0, analysis.tokens.length - size) };
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

  #zoomed(): boolean {
    return this.#tokens.length > WHOLE_MAP_TOKENS;
  }

  #size(): number {
    return Math.min(this.#tokens.length || 1, Number(this.#zoom.value));
  }

  #origin(): { row: number; col: number } {
    return this.#zoomed() ? this.#window : { row: 0, col: 0 };
  }

  #moveWindow(row: number, col: number): void {
    const max = Math.max(0, this.#tokens.length - this.#size());
    this.#window = { row: Math.min(max, Math.max(0, Math.round(row))), col: Math.min(max, Math.max(0, Math.round(col))) };
    this.draw();
  }

  draw(): void {
    const now = this.current();
    if (!now || !this.#info) return;
    const zoomed = this.#zoomed();
    this.#overviewBox.hidden = !zoomed;
    const size = zoomed ? this.#size() : now.seq;
    const { row: r0, col: c0 } = this.#origin();
    const labels = this.#tokens.map((t, i) => (zoomed ? `${i} ${visibleToken(t.piece)}` : visibleToken(t.piece)));
    if (zoomed) {
      const side = Math.min(520, widthOf(this.#overviewBox, 200));
      this.#overviewLayout = drawHeatmap(this.#overview, { rows: now.seq, cols: now.seq, values: now.weights, min: 0, max: 1, causal: true, maxWidth: side, maxCell: side / now.seq, minCell: 0.25 });
      const ctx = this.#overview.getContext('2d')!;
      const { cellWidth: cw, cellHeight: ch } = this.#overviewLayout;
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#ff5722';
      ctx.strokeRect(c0 * cw, r0 * ch, size * cw, size * ch);
    }
    this.#layout = drawHeatmap(this.#canvas, {
      rows: size,
      cols: size,
      values: now.weights,
      origin: { row: r0, col: c0, stride: now.seq },
      rowLabels: labels.slice(r0, r0 + size),
      colLabels: labels.slice(c0, c0 + size),
      min: 0,
      max: 1,
      causal: true,
      maxWidth: widthOf(this.#box),
      maxCell: 34,
      showValues: true,
      highlightRow: this.#hoveredRow === undefined ? undefined : this.#hoveredRow - r0,
    });
    // The numbers this picture is drawn from (the rows of the window on screen), for anyone (and the browser test) to check.
    const rows = Array.from({ length: size }, (_, r) => Array.from(now.weights.subarray((r0 + r) * now.seq + c0, (r0 + r) * now.seq + c0 + size)));
    this.#canvas.dataset.layer = String(now.layer);
    this.#canvas.dataset.head = String(now.head);
    this.#canvas.dataset.weights = JSON.stringify(rows);
    this.#canvas.dataset.window = JSON.stringify({ row: r0, col: c0, size, seq: now.seq });
    const { left, top, cellWidth, cellHeight } = this.#layout;
    this.#canvas.dataset.layout = JSON.stringify({ left, top, cellWidth, cellHeight });
    this.#describe();
  }

  /** Highlights row `row` (absolute index) and writes where that token looks (or clears it). */
  showRow(row: number | undefined): void {
    this.#hoveredRow = row;
    this.draw();
  }

  #describeCell(cell: { row: number; col: number } | null): void {
    const readout = this.#overviewBox.querySelector('.hover-readout')!;
    const now = this.current();
    if (!cell || !now) {
      readout.textContent = '';
      return;
    }
    const { row, col } = cell;
    const q = visibleToken(this.#tokens[row].piece);
    const k = visibleToken(this.#tokens[col].piece);
    readout.textContent = col > row ? `query #${row} ${q} cannot see key #${col} ${k} (the future)` : `query #${row} ${q} → key #${col} ${k}: ${(100 * now.weights[row * now.seq + col]).toFixed(1)}%`;
  }

  #describe(): void {
    const now = this.current();
    const row = this.#hoveredRow;
    if (!now || row === undefined || row >= now.seq) {
      this.#looks.replaceChildren(this.#zoomed() ? 'Hover a row of the window (or focus it and use ↑ ↓) to see where that token looks; hover the whole map for any cell.' : 'Hover a row (or focus the map and use ↑ ↓) to see where that token looks.');
      return;
    }
    const weights = now.weights.subarray(row * now.seq, (row + 1) * now.seq);
    // Long prompts: the 24 keys it looks at most, in order of position.
    const keys = Array.from({ length: row + 1 }, (_, c) => c);
    const shown = keys.length > 24 ? keys.sort((a, b) => weights[b] - weights[a]).slice(0, 24).sort((a, b) => a - b) : keys;
    const parts: (Node | string)[] = [h('strong', {}, `#${row} ${visibleToken(this.#tokens[row].piece)} looks at${shown.length < keys.length ? ' (its 24 strongest keys)' : ''}: `)];
    for (const c of shown) {
      const w = weights[c];
      parts.push(h('span', { class: 'look', style: `background:${sequential(w)};color:${textOnSequential(w)}`, title: `#${c} · ${(100 * w).toFixed(1)}%` }, visibleToken(this.#tokens[c].piece)), ' ');
    }
    this.#looks.replaceChildren(...parts);
  }
}
