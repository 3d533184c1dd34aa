import { BackendCard, type BackendChoice } from './backend-card';
import { h } from './dom';
import { LoaderCard, type ModelFiles } from './loader-card';
import { useBackend } from './model/backends';
import { Session } from './model/session';
import { sinusoidalTable, rotaryPicture } from './model/positions';
import { nearestTokens } from './model/nearest';
import { generateTokens } from './model/generation';
import type { Analysis } from './model/types';
import { AttentionPanel } from './panels/attention-panel';
import { EmbeddingPanel } from './panels/embedding-panel';
import { HeadsPanel } from './panels/heads-panel';
import { OutputPanel } from './panels/output-panel';
import { PositionalPanel } from './panels/positional-panel';
import { TokensPanel } from './panels/tokens-panel';

const DEFAULT_PROMPT = 'Once upon a time, there was a little girl named Lily.';

/** What the page exposes on `window.transformerKitDemo` (for the curious and for the browser test). */
export interface DemoHook {
  readonly state: 'starting' | 'loading' | 'ready' | 'error';
  readonly backend: string;
  readonly analysis: Analysis | null;
  run(prompt: string): Promise<void>;
}

declare global {
  interface Window {
    transformerKitDemo?: DemoHook;
  }
}

/** Wires the cards and the six panels together. */
export class App {
  readonly #loader = new LoaderCard();
  readonly #backendCard = new BackendCard();
  readonly #prompt = h('textarea', { id: 'prompt', rows: 2, spellcheck: 'false', 'aria-label': 'prompt' }, DEFAULT_PROMPT);
  readonly #promptStatus = h('p', { class: 'status', id: 'prompt-status' });
  readonly #tokens = new TokensPanel();
  readonly #embedding = new EmbeddingPanel();
  readonly #positional = new PositionalPanel();
  readonly #attention = new AttentionPanel();
  readonly #heads = new HeadsPanel();
  readonly #output = new OutputPanel();
  #session: Session | null = null;
  #analysis: Analysis | null = null;
  #backendName = '—';
  #state: DemoHook['state'] = 'starting';
  #runTicket = 0;
  #busy: Promise<unknown> = Promise.resolve();

  constructor(root: HTMLElement) {
    const panels = [this.#tokens, this.#embedding, this.#positional, this.#attention, this.#heads, this.#output];
    for (const p of panels) p.element.classList.add('waiting');
    root.replaceChildren(
      h(
        'header',
        { class: 'masthead' },
        h('h1', {}, 'Watch a transformer work'),
        h('p', {}, 'A real pretrained language model — Karpathy’s stories260K, a tiny Llama trained on children’s stories — runs here in your browser. Type a prompt and follow it through the six steps: tokens, embeddings, positions, self-attention, multi-head attention, and the next token.'),
      ),
      h('div', { class: 'setup' }, this.#loader.element, this.#backendCard.element),
      h('div', { class: 'card prompt-card' }, h('h2', {}, h('label', { for: 'prompt' }, 'Prompt')), this.#prompt, this.#promptStatus),
      ...panels.map((p) => p.element),
      h('footer', {}, 'Built with the Transformer Kit packages (tensor, tokenizer, embedding, positional, attention, transformer, gpu-backend). stories260K: MIT, from karpathy/llama2.c.'),
    );
    this.#loader.onLoad((files) => this.#open(files));
    this.#backendCard.onChange((choice) => this.#switchBackend(choice));
    let debounce: ReturnType<typeof setTimeout> | undefined;
    this.#prompt.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => void this.run(this.#prompt.value), 250);
    });
    this.#heads.onOpen((layer, head) => {
      this.#attention.open(layer, head);
      this.#attention.element.scrollIntoView({ behavior: 'smooth', block: 'start' });
    });
    this.#tokens.onHover((index) => this.#attention.showRow(index ?? undefined));
    let resize: ReturnType<typeof setTimeout> | undefined;
    globalThis.addEventListener('resize', () => {
      clearTimeout(resize);
      resize = setTimeout(() => this.#redraw(), 150);
    });
    const hook = {
      state: () => this.#state,
      backend: () => this.#backendName,
      analysis: () => this.#analysis,
    };
    window.transformerKitDemo = {
      get state() {
        return hook.state();
      },
      get backend() {
        return hook.backend();
      },
      get analysis() {
        return hook.analysis();
      },
      run: (prompt: string) => {
        this.#prompt.value = prompt;
        return this.run(prompt);
      },
    };
  }

  async start(): Promise<void> {
    await this.#switchBackend(this.#backendCard.choice);
    const params = new URLSearchParams(location.search);
    if (params.get('prompt') !== null) this.#prompt.value = params.get('prompt')!;
    if (params.get('autoload') !== '0') await this.#loader.load();
  }

  #setState(state: DemoHook['state']): void {
    this.#state = state;
    document.body.dataset.state = state;
  }

  async #open(files: ModelFiles): Promise<void> {
    this.#setState('loading');
    try {
      await this.#busy;
      // Open the new model before letting go of the old one: a bad file leaves the page as it was.
      const session = Session.open(files);
      this.#session?.dispose();
      this.#session = session;
      const { info } = session;
      this.#embedding.setModel(info, (id, k) => nearestTokens(info, id, k));
      this.#positional.setModel(info, {
        sinusoidal: (positions, dim) => sinusoidalTable(positions, dim),
        rotary: (index, layer, head) => rotaryPicture(session, this.#analysis?.tokens.length ?? 1, index, layer, head),
      });
      this.#attention.setModel(info);
      this.#heads.setModel(info);
      this.#output.setModel(info, (settings, maxTokens, onToken) =>
        this.#exclusive(() => generateTokens(session, this.#prompt.value, settings, maxTokens, (token, ms) => {
          this.#backendCard.setSpeed(`· ${ms.toFixed(1)} ms per token`);
          onToken(token, ms);
        })),
      );
      this.#loader.status(`${info.name}: ${info.layers} layers, ${info.heads} heads (${info.kvHeads} key/value), dim ${info.dim}, vocabulary ${info.vocabSize}, context ${info.maxSeqLen}.`);
      await this.run(this.#prompt.value);
      for (const p of [this.#tokens, this.#embedding, this.#positional, this.#attention, this.#heads, this.#output]) p.element.classList.remove('waiting');
      this.#setState('ready');
    } catch (error) {
      this.#setState(this.#session ? 'ready' : 'error');
      throw error;
    }
  }

  /** Runs `fn` when nothing else uses the model (a forward pass and a generation must not interleave). */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#busy.then(fn, fn);
    this.#busy = next.catch(() => undefined);
    return next;
  }

  async #switchBackend(choice: BackendChoice): Promise<void> {
    this.#backendCard.setEnabled(false);
    try {
      await this.#exclusive(async () => {
        const { name, choice: actual, note } = await useBackend(choice);
        this.#backendName = name;
        this.#backendCard.setActive(name, actual, note);
        this.#backendCard.setSpeed('');
        this.#session?.rebuild();
      });
      if (this.#session) await this.run(this.#prompt.value);
    } finally {
      this.#backendCard.setEnabled(true);
    }
  }

  /** Analyses `prompt` and redraws every panel (a newer call supersedes an older one). */
  async run(prompt: string): Promise<void> {
    const session = this.#session;
    if (!session) return;
    const ticket = ++this.#runTicket;
    try {
      const analysis = await this.#exclusive(() => session.analyse(prompt));
      if (ticket !== this.#runTicket) return;
      this.#analysis = analysis;
      this.#promptStatus.textContent = '';
      this.#promptStatus.classList.remove('error');
      this.#backendCard.setSpeed(`· forward pass over ${analysis.tokens.length} tokens: ${analysis.forwardMs.toFixed(1)} ms`);
      this.#tokens.update(prompt, analysis.tokens);
      this.#embedding.update(analysis.tokens, analysis.tokenVectors);
      this.#positional.update(analysis.tokens);
      this.#attention.update(analysis);
      this.#heads.update(analysis);
      this.#output.update(prompt, analysis.logits);
      document.body.dataset.analysed = String(ticket);
    } catch (error) {
      this.#promptStatus.textContent = (error as Error).message;
      this.#promptStatus.classList.add('error');
    }
  }

  #redraw(): void {
    if (!this.#analysis) return;
    this.#embedding.draw();
    void this.#positional.draw();
    this.#attention.draw();
    this.#heads.draw();
    this.#output.draw();
  }
}
