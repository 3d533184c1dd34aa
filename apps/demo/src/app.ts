import { BackendCard, type BackendChoice } from './backend-card';
import { h } from './dom';
import { LoaderCard, type ModelFiles } from './loader-card';
import { EngineClient } from './model/engine-client';
import type { BackendReport } from './model/protocol';
import { detectRenderer } from './model/renderer';
import type { Analysis, ModelInfo } from './model/types';
import type { EngineStats } from '@transformer-kit/tensor';
import { AttentionPanel } from './panels/attention-panel';
import { BlockPanel } from './panels/block-panel';
import { EmbeddingPanel } from './panels/embedding-panel';
import { HeadsPanel } from './panels/heads-panel';
import { OutputPanel } from './panels/output-panel';
import { PositionalPanel } from './panels/positional-panel';
import { TokensPanel } from './panels/tokens-panel';

const DEFAULT_PROMPT = 'Once upon a time, there was a little girl named Lily.';

/** The page's `?threads=N` (a positive integer): the CPU backend's thread count; absent → the machine's parallelism. */
function requestedThreads(): number | undefined {
  const n = Number(new URLSearchParams(location.search).get('threads') ?? NaN);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

/** What the page exposes on `window.transformerKitDemo` (for the curious and for the browser test). */
export interface DemoHook {
  readonly state: 'starting' | 'loading' | 'ready' | 'error';
  readonly backend: string;
  /** Where the model runs: 'worker' (a Web Worker) or 'page' (a backend that cannot run in a worker). */
  readonly engine: 'worker' | 'page';
  readonly analysis: Analysis | null;
  run(prompt: string): Promise<void>;
  /** The CPU backend's threads and the work split across them (null while the GPU runs). */
  engineStats(): Promise<EngineStats | null>;
}

declare global {
  interface Window {
    transformerKitDemo?: DemoHook;
  }
}

/** Wires the cards, the prompt and the seven panels to the engine (a Web Worker, or the page for gpu.js). */
export class App {
  readonly #loader = new LoaderCard();
  readonly #backendCard = new BackendCard(detectRenderer());
  readonly #prompt = h('textarea', { id: 'prompt', rows: 2, spellcheck: 'false', 'aria-label': 'prompt' }, DEFAULT_PROMPT);
  readonly #promptStatus = h('p', { class: 'status', id: 'prompt-status', role: 'status', 'aria-live': 'polite' });
  readonly #tokens = new TokensPanel();
  readonly #embedding = new EmbeddingPanel();
  readonly #positional = new PositionalPanel();
  readonly #attention = new AttentionPanel();
  readonly #heads = new HeadsPanel();
  readonly #block = new BlockPanel();
  readonly #output = new OutputPanel();
  readonly #panels = [this.#tokens, this.#embedding, this.#positional, this.#attention, this.#heads, this.#block, this.#output];
  readonly #worker = new EngineClient('worker');
  #page: EngineClient | null = null;
  #client: EngineClient = this.#worker;
  /** The files each engine has open (a switch to the other engine opens them there). */
  readonly #opened = new Map<EngineClient, ModelFiles>();
  #files: ModelFiles | null = null;
  #info: ModelInfo | null = null;
  #analysis: Analysis | null = null;
  /** The engine holding the analysed prompt's hidden states; null while an open or a backend switch dropped them. */
  #analysedOn: EngineClient | null = null;
  #backendName = '—';
  #choice: BackendChoice = 'cpu';
  #state: DemoHook['state'] = 'starting';
  #runTicket = 0;
  #busy: Promise<unknown> = Promise.resolve();

  constructor(root: HTMLElement) {
    for (const p of this.#panels) p.element.classList.add('waiting');
    root.replaceChildren(
      h(
        'header',
        { class: 'masthead' },
        h('h1', {}, 'Watch a transformer work'),
        h('p', {}, 'A real pretrained language model — Karpathy’s stories260K, a tiny Llama trained on children’s stories — runs here in your browser. Type a prompt and follow it through the steps: tokens, embeddings, positions, self-attention, multi-head attention, inside a block, and the next token.'),
      ),
      h('div', { class: 'setup' }, this.#loader.element, this.#backendCard.element),
      h('div', { class: 'card prompt-card' }, h('h2', {}, h('label', { for: 'prompt' }, 'Prompt')), this.#prompt, this.#promptStatus),
      ...this.#panels.map((p) => p.element),
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
    const self = () => ({ state: this.#state, backend: this.#backendName, engine: this.#client.where, analysis: this.#analysis });
    window.transformerKitDemo = {
      get state() {
        return self().state;
      },
      get backend() {
        return self().backend;
      },
      get engine() {
        return self().engine;
      },
      get analysis() {
        return self().analysis;
      },
      run: (prompt: string) => {
        this.#prompt.value = prompt;
        return this.run(prompt);
      },
      engineStats: () => this.#client.call('engineStats', {}),
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

  /** Runs `fn` when nothing else uses the engine (a forward pass and a generation must not interleave). */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#busy.then(fn, fn);
    this.#busy = next.catch(() => undefined);
    return next;
  }

  /**
   * Asks the engine about the analysed prompt, in turn with every other call; null (the panel keeps its picture)
   * when the engine holds no analysis, as between a backend switch and the analysis that follows it.
   */
  #whileAnalysed<T>(ask: (client: EngineClient) => Promise<T>): Promise<T | null> {
    return this.#exclusive(() => (this.#analysedOn === this.#client ? ask(this.#client) : Promise.resolve(null)));
  }

  /** Opens `files` in `client` unless it has them open already. */
  async #ensureOpen(client: EngineClient, files: ModelFiles): Promise<ModelInfo> {
    // NOTE: the page keeps the bytes (a switch between engines reopens them): each engine gets a copy.
    const info = await client.call('open', { files });
    this.#opened.set(client, files);
    return info;
  }

  async #open(files: ModelFiles): Promise<void> {
    this.#setState('loading');
    try {
      const info = await this.#exclusive(() => {
        this.#analysedOn = null;
        return this.#ensureOpen(this.#client, files);
      });
      for (const [client] of this.#opened) if (client !== this.#client) this.#opened.delete(client);
      this.#files = files;
      this.#info = info;
      const client = () => this.#client;
      this.#embedding.setModel(info, (id, k) => client().call('nearest', { id, k }));
      this.#positional.setModel(info, {
        sinusoidal: (positions, dim) => client().call('sinusoidal', { positions, dim }),
        rotary: (index, layer, head) => this.#whileAnalysed((c) => c.call('rotary', { positions: this.#analysis?.tokens.length ?? 1, index, layer, head })),
      });
      this.#attention.setModel(info);
      this.#heads.setModel(info);
      this.#block.setModel(info, (position, layer) => this.#whileAnalysed((c) => c.call('block', { position, layer })));
      this.#output.setModel(info, (settings, maxTokens, onToken) => this.#generate(settings, maxTokens, onToken), () => this.#client.stop());
      this.#loader.status(`${info.name}: ${info.layers} layers, ${info.heads} heads (${info.kvHeads} key/value), dim ${info.dim}, vocabulary ${info.vocabSize}, context ${info.maxSeqLen}.`);
      await this.run(this.#prompt.value);
      for (const p of this.#panels) p.element.classList.remove('waiting');
      this.#setState('ready');
    } catch (error) {
      this.#setState(this.#info ? 'ready' : 'error');
      throw error;
    }
  }

  #generate(...[settings, maxTokens, onToken]: Parameters<Parameters<OutputPanel['setModel']>[1]>): Promise<{ stopped: boolean }> {
    const prompt = this.#analysis?.prompt ?? '';
    const choice = this.#choice;
    return this.#exclusive(async () => {
      let last = 0;
      const result = await this.#client.generate({ prompt, settings, maxTokens }, (token, ms) => {
        last = ms;
        this.#backendCard.setSpeed(`· ${ms.toFixed(1)} ms per token`);
        onToken(token, ms);
      });
      if (result.count > 1) this.#backendCard.setPerToken(choice, last);
      return result;
    });
  }

  /** Switches backend: the worker for the CPU, and for the GPU where gpu.js starts in a worker; else the page. */
  async #switchBackend(choice: BackendChoice): Promise<void> {
    this.#backendCard.setEnabled(false);
    this.#output.setBlocked('the backend is switching.');
    try {
      await this.#exclusive(async () => {
        this.#analysedOn = null; // the engine may rebuild its session on the new backend
        let client = this.#worker;
        // `?engine=page` puts gpu.js in the page, as where a browser has no WebGL2 on OffscreenCanvas (and for the test of that path).
        const forcePage = new URLSearchParams(location.search).get('engine') === 'page';
        let report: BackendReport = forcePage && choice === 'gpu' ? { name: 'cpu', choice: 'cpu', note: '?engine=page', cpuThreads: null } : await this.#worker.call('backend', { choice, threads: requestedThreads() });
        if (choice === 'gpu' && report.choice !== 'gpu') {
          // gpu.js could not start in the worker (no WebGL2 on OffscreenCanvas here): run it in the page.
          this.#page ??= new EngineClient('page');
          const inPage = await this.#page.call('backend', { choice: 'gpu' });
          if (inPage.choice === 'gpu') {
            client = this.#page;
            report = { ...inPage, note: `gpu.js runs in the page here (in the worker: ${report.note.replace(/^The GPU backend could not start \((.*)\); running on the CPU\.$/, '$1')}); the page yields after every token.` };
          } else {
            report = inPage;
          }
        }
        if (this.#files && !this.#opened.has(client)) await this.#ensureOpen(client, this.#files);
        this.#client = client;
        this.#choice = report.choice;
        this.#backendName = report.name;
        this.#backendCard.setActive(report.name, report.choice, client.where, report.note);
        this.#backendCard.setThreads(report.cpuThreads, globalThis.crossOriginIsolated === true);
        this.#backendCard.setSpeed('');
      });
      if (this.#info) await this.run(this.#prompt.value);
    } finally {
      this.#backendCard.setEnabled(true);
      this.#output.setBlocked(this.#blockReason());
    }
  }

  #blockReason(): string | null {
    if (!this.#info) return 'load a model first.';
    if (!this.#analysis) return 'the prompt has not been analysed.';
    if (this.#analysis.prompt !== this.#prompt.value) return 'the prompt above could not be run (see its message); the panels show the previous one.';
    return null;
  }

  /** Analyses `prompt` and redraws every panel (a newer call supersedes an older one). */
  async run(prompt: string): Promise<void> {
    if (!this.#info) return;
    const ticket = ++this.#runTicket;
    try {
      const asked = performance.now();
      const analysis = await this.#exclusive(async () => {
        const answer = await this.#client.call('analyse', { prompt });
        this.#analysedOn = this.#client;
        return answer;
      });
      if (ticket !== this.#runTicket) return;
      const answered = performance.now();
      this.#analysis = analysis;
      this.#promptStatus.textContent = '';
      this.#promptStatus.classList.remove('error');
      for (const p of this.#panels) p.element.classList.remove('stale');
      this.#backendCard.setSpeed(`· forward pass over ${analysis.tokens.length} tokens: ${analysis.forwardMs.toFixed(1)} ms`);
      // One panel per task: a big model's panels (150k-token vocabulary, 32 layers) would otherwise be one long
      // task; between them the browser can paint and take input.
      const steps = [
        () => this.#tokens.update(prompt, analysis.tokens),
        () => this.#embedding.update(analysis.tokens, analysis.tokenVectors),
        () => this.#positional.update(analysis.tokens),
        () => this.#attention.update(analysis),
        () => this.#heads.update(analysis),
        () => this.#block.update(analysis.tokens),
        () => this.#output.update(prompt, analysis.logits),
      ];
      let drawMs = 0;
      for (const step of steps) {
        const started = performance.now();
        step();
        drawMs += performance.now() - started;
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (ticket !== this.#runTicket) return;
      }
      // How long the engine took (forward pass, readback, transfer), how long the panels took to draw, and from
      // the request to the last panel (including the pauses between panels).
      document.body.dataset.timings = JSON.stringify({ tokens: analysis.tokens.length, forwardMs: analysis.forwardMs, engineMs: answered - asked, drawMs, totalMs: performance.now() - asked });
      document.body.dataset.analysed = String(ticket);
    } catch (error) {
      if (ticket !== this.#runTicket) return;
      // The panels keep the last prompt that ran, dimmed, and the message says so.
      const previous = this.#analysis ? ` The panels below still show the previous prompt (${this.#analysis.tokens.length} tokens).` : '';
      this.#promptStatus.textContent = `${(error as Error).message}${previous}`;
      this.#promptStatus.classList.add('error');
      for (const p of this.#panels) p.element.classList.add('stale');
      document.body.dataset.analysed = `error-${ticket}`;
    } finally {
      if (ticket === this.#runTicket) this.#output.setBlocked(this.#blockReason());
    }
  }

  #redraw(): void {
    if (!this.#analysis) return;
    this.#embedding.draw();
    void this.#positional.draw();
    this.#attention.draw();
    this.#heads.draw();
    this.#block.draw();
    this.#output.draw();
  }
}
