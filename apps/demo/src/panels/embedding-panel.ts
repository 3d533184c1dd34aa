import { visibleToken, pointerPosition } from '../draw/canvas';
import { drawHeatmap } from '../draw/heatmap';
import { drawScatter, type ScatterLayout, type ScatterPoint } from '../draw/scatter';
import { h, panelFrame, select, setOptions, widthOf } from '../dom';
import type { ModelInfo, TokenView } from '../model/types';

import type { Neighbour } from '../model/nearest';

/**
 * Step 2, embedding: each token id picks a row of the embedding table. Shows the prompt's rows as heat strips,
 * the whole vocabulary on a 2-D PCA map with the prompt's tokens marked, and the nearest tokens (cosine
 * similarity) of a chosen token.
 */
export class EmbeddingPanel {
  readonly element: HTMLElement;
  readonly #strips = h('canvas', { class: 'picture', 'data-testid': 'embedding-strips' });
  readonly #map = h('canvas', { class: 'picture', 'data-testid': 'embedding-map' });
  readonly #mapCaption = h('p', { class: 'caption' });
  readonly #choice = select('embedding-token', []);
  readonly #neighbours = h('ol', { class: 'neighbours', 'data-testid': 'neighbours' });
  readonly #stripsBox = h('div', { class: 'scroll-x' }, this.#strips);
  #points: ScatterPoint[] = [];
  #layout: ScatterLayout | null = null;
  #tokens: readonly TokenView[] = [];
  #info: ModelInfo | null = null;
  #vectors: Float32Array = new Float32Array();
  #hovered: number | undefined;
  #nearest: (id: number, k: number) => Promise<Neighbour[]> = async () => [];
  #neighbourIds: number[] = [];
  #mapTicket = 0;

  constructor() {
    const { section, body } = panelFrame(
      2,
      'panel-embedding',
      'Embedding',
      'Each id selects one learned row of the embedding table: a vector the rest of the network reads. Similar tokens end up with similar vectors.',
    );
    body.append(
      h('h3', {}, "The prompt's vectors (one row per token, one column per dimension; blue < 0 < red)"),
      this.#stripsBox,
      h(
        'div',
        { class: 'two-columns' },
        h('div', {}, h('h3', {}, 'The whole vocabulary, projected to 2-D (PCA)'), this.#map, this.#mapCaption),
        h('div', {}, h('h3', {}, 'Nearest tokens of ', this.#choice), this.#neighbours),
      ),
    );
    this.element = section;
    this.#choice.addEventListener('change', () => void this.#choose());
    this.#map.addEventListener('mousemove', (event) => {
      const { x, y } = pointerPosition(this.#map, event);
      const hit = this.#layout?.nearest(x, y, 6) ?? undefined;
      if (hit !== this.#hovered) {
        this.#hovered = hit ?? undefined;
        this.#drawMap();
      }
    });
    this.#map.addEventListener('click', () => {
      if (this.#hovered === undefined) return;
      if (![...this.#choice.options].some((o) => o.value === String(this.#hovered))) {
        this.#choice.append(h('option', { value: this.#hovered }, `${visibleToken(this.#info!.pieces[this.#hovered])} (id ${this.#hovered})`));
      }
      this.#choice.value = String(this.#hovered);
      void this.#choose();
    });
  }

  /** Once per model: the PCA of its vocabulary (computed in the engine). */
  setModel(info: ModelInfo, nearest: (id: number, k: number) => Promise<Neighbour[]>): void {
    this.#info = info;
    this.#nearest = nearest;
    // Ids of the last model's vocabulary are not looked up in this one's; a neighbour reply on its way is dropped.
    this.#hovered = undefined;
    this.#neighbourIds = [];
    this.#mapTicket++;
    const { x, y, explained } = info.pca;
    this.#points = Array.from(x, (px, i) => ({ x: px, y: y[i], label: visibleToken(info.pieces[i]) }));
    this.#mapCaption.textContent = `${info.vocabSize} tokens; the two axes keep ${(100 * (explained[0] + explained[1])).toFixed(0)}% of the variance of the ${info.dim}-dimensional vectors. Prompt tokens in blue; hover a dot for its token, click to choose it.${info.traits.embeddingScale !== 1 ? ` These are the table's rows; ${info.family} multiplies a row by √${info.dim} = ${info.traits.embeddingScale.toFixed(2)} when it looks it up, before the first block (its tied output head reads the rows unscaled).` : ''}`;
  }

  update(tokens: readonly TokenView[], vectors: Float32Array): void {
    this.#tokens = tokens;
    this.#vectors = vectors;
    const seen = new Set<number>();
    const options = tokens
      .filter((t) => !seen.has(t.id) && seen.add(t.id))
      .map((t) => ({ value: String(t.id), label: `${visibleToken(t.piece)} (id ${t.id})` }));
    const lastWord = [...tokens].reverse().find((t) => !t.special && /\p{L}/u.test(t.piece));
    setOptions(this.#choice, options, lastWord ? String(lastWord.id) : options[0]?.value);
    this.draw();
    void this.#choose();
  }

  /** Redraws at the current width (after a resize). */
  draw(): void {
    const info = this.#info;
    if (!info || this.#tokens.length === 0) return;
    drawHeatmap(this.#strips, {
      rows: this.#tokens.length,
      cols: info.dim,
      values: this.#vectors,
      rowLabels: this.#tokens.map((t) => visibleToken(t.piece)),
      scale: 'diverging',
      // Clip the colour scale at the 98th percentile of |value|: a few large coordinates would wash out the rest.
      ...symmetricLimit(this.#vectors, 0.98),
      maxWidth: widthOf(this.#stripsBox),
      maxCell: 14,
      minCell: 4,
      aspect: 0.8,
    });
    this.#drawMap();
  }

  /** Looks up the chosen token's neighbours, then redraws the map and the list. */
  async #choose(): Promise<void> {
    const info = this.#info;
    const chosen = Number(this.#choice.value);
    if (!info || !Number.isInteger(chosen) || this.#choice.value === '') return;
    const ticket = ++this.#mapTicket;
    const neighbours = await this.#nearest(chosen, 8);
    if (ticket !== this.#mapTicket) return; // a newer choice superseded this one
    this.#neighbourIds = neighbours.map((n) => n.id);
    this.#neighbours.replaceChildren(
      ...neighbours.map((n) =>
        h('li', { 'data-id': n.id }, h('code', {}, visibleToken(info.pieces[n.id])), h('span', { class: 'muted' }, ` id ${n.id} · cos ${n.similarity.toFixed(3)}`)),
      ),
    );
    this.#drawMap();
  }

  #drawMap(): void {
    const info = this.#info;
    if (!info || this.#points.length === 0) return;
    const chosen = this.#choice.value === '' ? undefined : Number(this.#choice.value);
    this.#layout = drawScatter(
      this.#map,
      this.#points,
      { marked: this.#tokens.map((t) => t.id), chosen, neighbours: chosen === undefined ? [] : this.#neighbourIds, hovered: this.#hovered },
      Math.min(420, Math.max(260, widthOf(this.element) / 2 - 40)),
    );
  }
}

/** A symmetric colour range ±(the q-quantile of |values|). */
function symmetricLimit(values: Float32Array, q: number): { min: number; max: number } {
  const sorted = Float32Array.from(values, Math.abs).sort();
  const limit = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] || 1;
  return { min: -limit, max: limit };
}
