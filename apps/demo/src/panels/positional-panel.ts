import { visibleToken } from '../draw/canvas';
import { drawHeatmap } from '../draw/heatmap';
import { drawRotaryPairs, type RotaryPicture } from '../draw/rotary-pairs';
import { h, panelFrame, select, setOptions, widthOf } from '../dom';
import type { ModelInfo, TokenView } from '../model/types';

/**
 * What the panel asks the session for: the sinusoidal table and a query's rotation at every prompt position
 * (null while the engine holds no analysed prompt: a backend switch or a new model dropped it).
 */
export interface PositionalSource {
  sinusoidal(positions: number, dim: number): Promise<Float32Array>;
  rotary(tokenIndex: number, layer: number, head: number): Promise<RotaryPicture | null>;
}

/**
 * Step 3, positional encoding. Attention by itself cannot tell "dog bites man" from "man bites dog". The
 * original transformer adds a sinusoidal table to the embeddings; Llama-style models (this one) instead
 * rotate each pair of query/key dimensions by an angle proportional to the position, so q·k depends on
 * the distance between the two tokens.
 */
export class PositionalPanel {
  readonly element: HTMLElement;
  readonly #table = h('canvas', { class: 'picture', 'data-testid': 'sinusoidal-table' });
  readonly #pairs = h('canvas', { class: 'picture', 'data-testid': 'rotary-pairs' });
  readonly #token = select('rotary-token', []);
  readonly #layer = select('rotary-layer', []);
  readonly #head = select('rotary-head', []);
  readonly #tableBox = h('div', { class: 'scroll-x' }, this.#table);
  readonly #pairsBox = h('div', { class: 'scroll-x' }, this.#pairs);
  readonly #caption = h('p', { class: 'caption' });
  #source: PositionalSource | null = null;
  #info: ModelInfo | null = null;
  #tokens: readonly TokenView[] = [];
  #drawing = 0;

  constructor() {
    const { section, body } = panelFrame(
      3,
      'panel-positional',
      'Positional encoding',
      'Attention alone ignores order. The original transformer adds a fixed table of sines and cosines to the embeddings; this Llama-style model rotates each pair of query and key dimensions by an angle that grows with the position (RoPE), so the score of two tokens depends on how far apart they are.',
    );
    body.append(
      h('h3', {}, 'The sinusoidal table (Vaswani et al. 2017): rows are positions 0, 1, 2…, columns the dimensions (sine, cosine, sine…); blue −1, red +1'),
      this.#tableBox,
      h('h3', {}, 'Rotary positions in this model: the query of ', this.#token, ' in layer ', this.#layer, ' head ', this.#head, ' placed at each position'),
      this.#pairsBox,
      this.#caption,
    );
    this.element = section;
    for (const el of [this.#token, this.#layer, this.#head]) el.addEventListener('change', () => void this.#drawRotary());
  }

  setModel(info: ModelInfo, source: PositionalSource): void {
    this.#info = info;
    this.#source = source;
    setOptions(this.#layer, Array.from({ length: info.layers }, (_, l) => ({ value: String(l), label: String(l) })), '0');
    setOptions(this.#head, Array.from({ length: info.heads }, (_, l) => ({ value: String(l), label: String(l) })), '0');
  }

  update(tokens: readonly TokenView[]): void {
    this.#tokens = tokens;
    setOptions(
      this.#token,
      tokens.map((t, i) => ({ value: String(i), label: `#${i} ${visibleToken(t.piece)}` })),
      String(Math.max(0, tokens.length - 1)),
    );
    void this.draw();
  }

  async draw(): Promise<void> {
    const info = this.#info;
    const source = this.#source;
    if (!info || !source || this.#tokens.length === 0) return;
    const positions = Math.max(32, this.#tokens.length);
    const table = await source.sinusoidal(positions, info.dim); // [positions, dim]
    drawHeatmap(this.#table, {
      rows: positions,
      cols: info.dim,
      values: table,
      scale: 'diverging',
      min: -1,
      max: 1,
      maxWidth: widthOf(this.#tableBox),
      maxCell: 9,
      minCell: 3,
      aspect: 1.4,
    });
    await this.#drawRotary();
  }

  async #drawRotary(): Promise<void> {
    const info = this.#info;
    if (!info || !this.#source || this.#tokens.length === 0) return;
    const ticket = ++this.#drawing;
    const picture = await this.#source.rotary(Number(this.#token.value), Number(this.#layer.value), Number(this.#head.value));
    if (ticket !== this.#drawing || picture === null) return; // a newer request superseded this one, or no prompt is analysed
    drawRotaryPairs(this.#pairs, { ...picture, labels: this.#tokens.map((t) => visibleToken(t.piece)) }, widthOf(this.#pairsBox));
    this.element.dataset.rotaryPositions = String(picture.positions);
    this.#caption.textContent = `Each dial is one pair of the ${info.headDim}-dimensional query (${info.ropeLayout === 'interleaved' ? 'dimensions 2i and 2i+1, as llama2.c pairs them' : 'dimensions i and i + d/2, as Hugging Face pairs them'}); the dashed arrow is the pair before rotation (position 0), the coloured one after rotation by position × θ, θ = ${info.ropeTheta}^(−2i/${info.headDim}). The first pair turns by a radian per position; the last barely moves, so it carries long-range position.`;
  }
}
