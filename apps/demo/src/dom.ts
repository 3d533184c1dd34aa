/** A tiny element builder: `h('div', { class: 'x' }, 'text', child)`. No framework: the page is small. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

/** A `<select>` of labelled values. */
export function select(id: string, options: readonly { value: string; label: string }[], selected?: string): HTMLSelectElement {
  const el = h('select', { id });
  for (const o of options) el.append(h('option', { value: o.value, selected: o.value === selected }, o.label));
  return el;
}

/** Replaces a select's options, keeping the selected value when it still exists. */
export function setOptions(el: HTMLSelectElement, options: readonly { value: string; label: string }[], fallback?: string): void {
  const previous = el.value;
  el.replaceChildren(...options.map((o) => h('option', { value: o.value }, o.label)));
  if (options.some((o) => o.value === previous)) el.value = previous;
  else if (fallback !== undefined) el.value = fallback;
}

/** The panel frame every step shares: a numbered title, what the step does, and a body. */
export function panelFrame(step: number, id: string, title: string, blurb: string): { section: HTMLElement; body: HTMLElement } {
  const body = h('div', { class: 'panel-body' });
  const section = h(
    'section',
    { class: 'panel', id, 'data-step': step },
    h('header', {}, h('span', { class: 'step' }, String(step)), h('h2', {}, title)),
    h('p', { class: 'blurb' }, blurb),
    body,
  );
  return { section, body };
}

/** Width available to a picture inside an element (CSS pixels), with a floor for hidden/unlaid-out elements. */
export function widthOf(el: HTMLElement, floor = 320): number {
  return Math.max(floor, Math.floor(el.clientWidth || 0));
}
