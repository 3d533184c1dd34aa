/**
 * The page's side of the engine: one promise per request, token callbacks for a generation, and a Stop.
 * Two homes for the engine share this client: a Web Worker (the default: the page never waits on the model),
 * and the page itself (for a backend that cannot run in a worker, e.g. gpu.js where OffscreenCanvas has no
 * WebGL2); there the engine yields to the event loop after every token, so the page still paints and Stop
 * still works, but a long forward pass blocks the page for its duration.
 */
import { Engine } from './engine';
import type { EngineMessage, EngineOps, EngineRequest, OpName } from './protocol';
import type { GeneratedToken } from './types';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; onToken?: (token: GeneratedToken, msPerToken: number) => void };

export class EngineClient {
  readonly where: 'worker' | 'page';
  #next = 1;
  /** The running generation's shared stop flag (cross-origin isolated pages only). */
  #stopFlag: Int32Array | null = null;
  readonly #pending = new Map<number, Pending>();
  readonly #send: (request: EngineRequest) => void;
  readonly #close: () => void;

  constructor(where: 'worker' | 'page') {
    this.where = where;
    const receive = (message: EngineMessage) => this.#receive(message);
    if (where === 'worker') {
      const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name: 'transformer-kit-engine' });
      worker.onmessage = (event: MessageEvent<EngineMessage>) => receive(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        this.#failAll(`The model's worker failed: ${event.message || 'it could not start'}`);
      };
      this.#send = (request) => worker.postMessage(request);
      this.#close = () => worker.terminate();
    } else {
      // The page's engine answers through a macrotask, like a worker would: callers see the same ordering.
      const engine = new Engine((message) => setTimeout(() => receive(message), 0));
      this.#send = (request) => void engine.handle(request);
      this.#close = () => {};
    }
  }

  /** Runs one operation in the engine. */
  call<K extends Exclude<OpName, 'generate'>>(op: K, args: EngineOps[K]['args']): Promise<EngineOps[K]['result']> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#send({ id, op, args } as EngineRequest);
    });
  }

  /** Generates, calling `onToken` as each token is made. */
  generate(args: EngineOps['generate']['args'], onToken: (token: GeneratedToken, msPerToken: number) => void): Promise<EngineOps['generate']['result']> {
    const id = this.#next++;
    this.#stopFlag = globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(8)) : null;
    const stopFlag = this.#stopFlag ?? undefined;
    const done = new Promise<EngineOps['generate']['result']>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onToken });
      this.#send({ id, op: 'generate', args: { ...args, stopFlag } });
    });
    // Tell the engine each time the page paints (its pacing waits for these); a hidden page has no frames, so a
    // timer stands in for them there.
    let running = true;
    const tick = () => {
      if (!running) return;
      this.#send({ id: 0, op: 'frame' });
      if (document.hidden) setTimeout(tick, 50);
      else requestAnimationFrame(tick);
    };
    tick();
    return done.finally(() => {
      running = false;
    });
  }

  /** Asks a running generation to stop after the token it is making. */
  /** Returns how many tokens the engine had made at that moment, where the page can know (cross-origin isolated). */
  stop(): number | null {
    this.#send({ id: 0, op: 'stop' });
    if (!this.#stopFlag) return null;
    Atomics.store(this.#stopFlag, 0, 1);
    return Atomics.load(this.#stopFlag, 1);
  }

  close(): void {
    this.#failAll('The engine was closed.');
    this.#close();
  }

  #receive(message: EngineMessage): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    if (message.kind === 'token') {
      pending.onToken?.(message.token, message.msPerToken);
      return;
    }
    this.#pending.delete(message.id);
    if (message.kind === 'result') pending.resolve(message.value);
    else pending.reject(new Error(message.message));
  }

  #failAll(reason: string): void {
    for (const p of this.#pending.values()) p.reject(new Error(reason));
    this.#pending.clear();
  }
}
