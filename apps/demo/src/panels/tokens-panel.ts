import { TOKEN_HUES } from '../draw/color';
import { visibleToken } from '../draw/canvas';
import { h, panelFrame } from '../dom';
import type { TokenView } from '../model/types';

/**
 * Step 1, tokenization: the prompt with each token's span highlighted (from the tokenizer's offsets), the ids
 * on hover, and the count. Tokens the tokenizer added (BOS) have no span and are shown as chips in front.
 */
export class TokensPanel {
  readonly element: HTMLElement;
  readonly #text = h('div', { class: 'token-text', 'data-testid': 'token-text' });
  readonly #chips = h('ol', { class: 'token-chips', 'data-testid': 'token-chips' });
  readonly #count = h('p', { class: 'readout', 'data-testid': 'token-count' });
  readonly #hover = h('p', { class: 'hover-readout', 'data-testid': 'token-hover', 'aria-live': 'polite' }, 'Hover a token (or Tab to it) for its id.');
  #tokens: readonly TokenView[] = [];
  #onHover: (index: number | null) => void = () => {};

  constructor() {
    const { section, body } = panelFrame(
      1,
      'panel-tokens',
      'Tokenization',
      'Text becomes a list of integers. The tokenizer splits the prompt into pieces of its vocabulary (merging the highest-scoring pairs first) and replaces each piece by its id. Hover a token to see its id.',
    );
    body.append(this.#text, this.#hover, this.#count, this.#chips);
    this.element = section;
  }

  /** Called with a token index when the mouse enters a token, null when it leaves. */
  onHover(listener: (index: number | null) => void): void {
    this.#onHover = listener;
  }

  update(prompt: string, tokens: readonly TokenView[]): void {
    this.#tokens = tokens;
    this.element.dataset.ids = JSON.stringify(tokens.map((t) => t.id));
    const spans: Node[] = [];
    let cursor = 0;
    tokens.forEach((token, i) => {
      const title = `#${i} · id ${token.id} · ${JSON.stringify(token.piece)}`;
      if (token.special || token.end <= token.start) {
        spans.push(h('span', { class: 'token special', title, tabindex: 0, 'data-index': i, 'data-id': token.id }, visibleToken(token.piece)));
        return;
      }
      if (token.start > cursor) spans.push(document.createTextNode(prompt.slice(cursor, token.start)));
      // Several tokens can share a span (the bytes of one emoji): only the first draws the text.
      const start = Math.max(cursor, token.start);
      const text = prompt.slice(start, token.end);
      spans.push(
        h('span', { class: 'token', style: `background:${TOKEN_HUES[i % TOKEN_HUES.length]}`, title, tabindex: 0, 'data-index': i, 'data-id': token.id }, text),
      );
      cursor = Math.max(cursor, token.end);
    });
    if (cursor < prompt.length) spans.push(document.createTextNode(prompt.slice(cursor)));
    this.#text.replaceChildren(...spans);

    this.#chips.replaceChildren(
      ...tokens.map((token, i) =>
        h(
          'li',
          { class: 'chip', style: `border-color:${token.special ? '#90a4ae' : TOKEN_HUES[i % TOKEN_HUES.length]}`, 'data-index': i, 'data-id': token.id, title: `position ${i}` },
          h('span', { class: 'chip-piece' }, visibleToken(token.piece)),
          h('span', { class: 'chip-id' }, String(token.id)),
        ),
      ),
    );
    const added = tokens.filter((t) => t.special).length;
    this.#count.textContent = `${tokens.length} token${tokens.length === 1 ? '' : 's'}${added ? ` (${added} added by the tokenizer: ${tokens.filter((t) => t.special).map((t) => t.piece).join(', ')})` : ''} for ${[...prompt].length} characters.`;

    // The text's tokens are focusable: Tab (or a screen reader) reads the same readout the mouse gets.
    for (const el of [...this.#text.querySelectorAll<HTMLElement>('[data-index]'), ...this.#chips.querySelectorAll<HTMLElement>('[data-index]')]) {
      const index = Number(el.dataset.index);
      const enter = () => {
        this.highlight(index);
        this.#onHover(index);
      };
      const leave = () => {
        this.highlight(null);
        this.#onHover(null);
      };
      el.addEventListener('mouseenter', enter);
      el.addEventListener('mouseleave', leave);
      el.addEventListener('focus', enter);
      el.addEventListener('blur', leave);
    }
  }

  /** Outlines token `index` in both the text and the chips (or clears the outline). */
  highlight(index: number | null): void {
    const token = index === null ? undefined : this.#tokens[index];
    this.#hover.textContent = token
      ? `token ${index}: id ${token.id} · piece ${JSON.stringify(token.piece)}${token.special ? ' · added by the tokenizer' : ` · characters ${token.start}–${token.end}`}`
      : 'Hover a token (or Tab to it) for its id.';
    for (const el of this.element.querySelectorAll<HTMLElement>('[data-index]')) {
      el.classList.toggle('hovered', index !== null && Number(el.dataset.index) === index);
    }
  }
}
