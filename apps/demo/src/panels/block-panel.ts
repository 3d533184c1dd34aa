import { visibleToken } from '../draw/canvas';
import { sequential, textOnSequential } from '../draw/color';
import { drawHeatmap } from '../draw/heatmap';
import { drawLayerNorms } from '../draw/layer-norms';
import { h, panelFrame, select, setOptions, widthOf } from '../dom';
import type { BlockView } from '../model/block-view';
import type { ModelInfo, TokenView } from '../model/types';
import { familyNote } from './family-note';

/**
 * What the panel asks the engine for: one token's pass through the blocks; null while the engine holds no
 * analysed prompt (a backend switch or a new model dropped it; the next analysis redraws the panel).
 */
export type BlockSource = (position: number, layer: number) => Promise<BlockView | null>;

/** Strip geometry: rows 14 px tall with their labels, the columns sharing the width whatever their number. */
function strip(cols: number, width: number): { maxCell: number; minCell: number; aspect: number; maxWidth: number } {
  return { maxCell: 14, minCell: 14, aspect: Math.min(1, Math.max(0.05, (width - 90) / cols / 14)), maxWidth: width };
}

/** A symmetric colour limit covering all rows (so the adds compare with the stream they join). */
function limitOf(rows: readonly Float32Array[]): number {
  let m = 1e-6;
  for (const r of rows) for (const v of r) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * Step 6, inside a block: the residual stream of one token through every layer. Each block reads the stream
 * through an RMSNorm, attention adds its result, a SwiGLU feed-forward adds its own, and the sum goes on.
 * The logit lens sends the stream of every layer straight to the final norm and the output head: what the
 * model would predict if it stopped there.
 */
export class BlockPanel {
  readonly element: HTMLElement;
  readonly #position = select('block-token', []);
  readonly #layer = select('block-layer', []);
  readonly #norms = h('canvas', { class: 'picture', 'data-testid': 'layer-norms' });
  readonly #stream = h('canvas', { class: 'picture', 'data-testid': 'residual-stream' });
  readonly #normScale = h('canvas', { class: 'picture', 'data-testid': 'norm-scale' });
  readonly #swiglu = h('canvas', { class: 'picture', 'data-testid': 'swiglu' });
  readonly #normCaption = h('p', { class: 'caption', 'data-testid': 'norm-caption' });
  readonly #swigluCaption = h('p', { class: 'caption' });
  readonly #swigluTitle = h('h3', {}, '');
  readonly #familyNote = h('p', { class: 'caption', 'data-testid': 'family-note' });
  readonly #check = h('p', { class: 'readout', 'data-testid': 'residual-check' });
  readonly #lens = h('table', { class: 'lens', 'data-testid': 'logit-lens' });
  readonly #boxes = [this.#stream, this.#normScale, this.#swiglu].map((c) => h('div', { class: 'scroll-x' }, c));
  #info: ModelInfo | null = null;
  #tokens: readonly TokenView[] = [];
  #source: BlockSource | null = null;
  #view: BlockView | null = null;
  #ticket = 0;

  constructor() {
    const { section, body } = panelFrame(
      6,
      'panel-block',
      'Inside a block: the residual stream',
      'Every block reads the running vector (the residual stream) through an RMSNorm, and ADDS what it computes: first attention’s result, then the feed-forward’s (here a SwiGLU: silu(gate) ⊙ up, projected down). Nothing is overwritten; each layer nudges the vector. The logit lens asks what the model would predict if the stream went straight to the output after each layer.',
    );
    body.append(
      h('div', { class: 'controls' }, h('label', {}, 'token ', this.#position), h('label', {}, 'layer ', this.#layer)),
      this.#familyNote,
      h('h3', {}, 'Vector lengths per layer at this token: the stream entering, what attention adds, what the feed-forward adds'),
      this.#norms,
      h('h3', {}, 'The chosen layer: the stream entering, + attention, + feed-forward = the stream leaving (blue < 0 < red, one column per dimension)'),
      this.#boxes[0],
      this.#check,
      h('h3', {}, 'RMSNorm: x / rms(x) · γ — the scale it applies and the learned γ (before attention, before the feed-forward)'),
      this.#boxes[1],
      this.#normCaption,
      this.#swigluTitle,
      this.#boxes[2],
      this.#swigluCaption,
      h('h3', {}, 'Logit lens: the top 5 next tokens if the stream after each layer went straight to the final norm and the output'),
      h('div', { class: 'scroll-x' }, this.#lens),
    );
    this.element = section;
    for (const el of [this.#position, this.#layer]) el.addEventListener('change', () => void this.refresh());
  }

  setModel(info: ModelInfo, source: BlockSource): void {
    this.#info = info;
    this.#source = source;
    // The last model's view (its lens ids, widths) is not redrawn with this model's vocabulary; a reply still on
    // its way for the last model is dropped.
    this.#view = null;
    this.#ticket++;
    setOptions(this.#layer, Array.from({ length: info.layers }, (_, l) => ({ value: String(l), label: String(l) })), '0');
    const act = actName(info);
    this.#swigluTitle.textContent = `${info.traits.activation === 'gelu_tanh' ? 'GeGLU' : 'SwiGLU'}: ${act}(gate · n), up · n, and their product (what the down projection reads)`;
    this.#familyNote.textContent = familyNote(info);
    this.element.dataset.family = info.family;
  }

  update(tokens: readonly TokenView[]): void {
    this.#tokens = tokens;
    setOptions(this.#position, tokens.map((t, i) => ({ value: String(i), label: `#${i} ${visibleToken(t.piece)}` })), String(tokens.length - 1));
    this.#position.value = String(tokens.length - 1);
    void this.refresh();
  }

  /** Asks the engine for the chosen token and layer, then draws. */
  async refresh(): Promise<void> {
    if (!this.#source || this.#tokens.length === 0) return;
    const ticket = ++this.#ticket;
    const view = await this.#source(Number(this.#position.value), Number(this.#layer.value));
    if (ticket !== this.#ticket || view === null) return;
    this.#view = view;
    this.draw();
  }

  draw(): void {
    const info = this.#info;
    const v = this.#view;
    if (!info || !v) return;
    const width = widthOf(this.#boxes[0]);
    drawLayerNorms(this.#norms, v.norms, v.layer, Math.min(720, width));
    const rows = [v.entering, v.attentionAdd, v.feedForwardAdd, v.leaving];
    const limit = limitOf(rows);
    const post = v.postNorms !== undefined;
    drawHeatmap(this.#stream, { rows: 4, cols: info.dim, values: concat(rows), rowLabels: ['entering x', post ? '+ norm(att)' : '+ attention', post ? '+ norm(ffn)' : '+ feed-fwd', '= leaving'], scale: 'diverging', min: -limit, max: limit, ...strip(info.dim, width) });
    const gammas = [v.attentionNorm.gamma, v.feedForwardNorm.gamma, ...(v.postNorms ? [v.postNorms.attention.gamma, v.postNorms.feedForward.gamma] : [])];
    const gLimit = limitOf(gammas);
    const gLabels = ['γ attention', 'γ feed-fwd', ...(v.postNorms ? ['γ post-attn', 'γ post-ffn'] : [])];
    drawHeatmap(this.#normScale, { rows: gammas.length, cols: info.dim, values: concat(gammas), rowLabels: gLabels, scale: 'diverging', min: -gLimit, max: gLimit, ...strip(info.dim, width) });
    this.#normCaption.textContent = `At token #${v.position}, layer ${v.layer}: the norm before attention divides by rms(x) (× ${v.attentionNorm.inverseRms.toFixed(3)}), the one before the feed-forward by rms(x + attention) (× ${v.feedForwardNorm.inverseRms.toFixed(3)}); then each dimension is multiplied by its γ.${v.postNorms ? ` Gemma 2 also normalises what each half adds: attention's output × ${v.postNorms.attention.inverseRms.toFixed(3)}, the feed-forward's × ${v.postNorms.feedForward.inverseRms.toFixed(3)}, each times its own γ.` : ''}${info.family.startsWith('gemma') ? ' (Gemma’s γ is stored as 1 + w, as llama.cpp stores it.)' : ''} The stream can grow layer after layer; the norms keep what each block reads at a fixed scale.`;
    const swiglu = [v.gate, v.up, v.product];
    const sLimit = limitOf(swiglu);
    drawHeatmap(this.#swiglu, { rows: 3, cols: info.hiddenDim, values: concat(swiglu), rowLabels: [`${actName(info)}(gate)`, 'up', 'product'], scale: 'diverging', min: -sLimit, max: sLimit, ...strip(info.hiddenDim, width) });
    const open = v.gate.reduce((n, g) => n + (Math.abs(g) > 0.1 * sLimit ? 1 : 0), 0);
    this.#swigluCaption.textContent = `${info.hiddenDim} hidden units; the gate is open (|${actName(info)}| > 10% of the largest value) on ${open}. ${actName(info)} is ≈ 0 for negative inputs, so the gate decides which of the “up” features pass.`;
    this.#check.textContent = `Check: entering + attention + feed-forward equals the model’s own stream leaving each layer to within ${v.residualError.toExponential(1)} (recomputed here from the hidden states, attention weights and weights).`;
    this.element.dataset.residualError = String(v.residualError);
    this.element.dataset.streamMax = String(v.streamMax);
    this.element.dataset.lens = JSON.stringify(v.lens.map((r) => r.top));
    this.element.dataset.position = String(v.position);
    this.element.dataset.layer = String(v.layer);
    this.#drawLens(v);
  }

  #drawLens(v: BlockView): void {
    const info = this.#info!;
    const head = h('tr', {}, h('th', {}, 'after'), ...Array.from({ length: 5 }, (_, i) => h('th', {}, `#${i + 1}`)));
    const body = v.lens.map((row) =>
      h(
        'tr',
        { 'data-layer': row.layer },
        h('th', {}, row.layer === 0 ? 'embedding' : row.layer === info.layers ? `layer ${row.layer - 1} (output)` : `layer ${row.layer - 1}`),
        ...row.top.map((t) => h('td', { style: `background:${sequential(t.p)};color:${textOnSequential(t.p)}`, title: `id ${t.id} · p = ${t.p.toFixed(4)}` }, `${visibleToken(info.pieces[t.id])} `, h('small', {}, `${(100 * t.p).toFixed(0)}%`))),
      ),
    );
    this.#lens.replaceChildren(h('thead', {}, head), h('tbody', {}, ...body));
  }
}

/** The gate's activation as the panel labels it. */
function actName(info: ModelInfo): string {
  return info.traits.activation === 'gelu_tanh' ? 'gelu' : 'silu';
}

function concat(rows: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  let o = 0;
  for (const r of rows) {
    out.set(r, o);
    o += r.length;
  }
  return out;
}
