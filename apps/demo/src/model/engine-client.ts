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
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onToken });
      this.#send({ id, op: 'generate', args });
    });
  }

  /** Asks a running generation to stop after the token it is making. */
  stop(): void {
    this.#send({ id: 0, op: 'stop' });
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
