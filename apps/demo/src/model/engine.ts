/**
 * The engine: the model and everything that computes with it, behind one message handler. It runs in a Web
 * Worker (model/engine-worker.ts) so the page never waits on a forward pass; where a backend cannot run in a
 * worker it runs in the page (model/engine-client.ts) and yields to the browser between tokens.
 */
import { blockView } from './block-view';
import { cpuEngineStats, useBackend } from './backends';
import { generateTokens } from './generation';
import { nearestTokens } from './nearest';
import { rotaryPicture, sinusoidalTable } from './positions';
import type { EngineMessage, EngineOps, EngineRequest, OpName } from './protocol';
import { Session } from './session';

/** Lets the event loop run (a message, a paint) without the ≥ 4 ms clamp of nested setTimeout. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Typed arrays in a result, to transfer instead of copy (the engine does not keep the ones it sends). */
function transferables(value: unknown, out: Transferable[] = [], depth = 0): Transferable[] {
  if (depth > 3 || value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    if (!out.includes(value.buffer) && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength) out.push(value.buffer);
    return out;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) transferables(v, out, depth + 1);
  return out;
}

/**
 * How far generation may run ahead of the page's paint. NOTE: on a machine with few cores a worker that never
 * pauses takes a core the page's renderer and compositor need, and the page stops painting until generation ends
 * (measured: one 1.4 s gap for 200 tokens on a loaded 2-core machine). Tokens are made freely while the page has
 * painted within this many ms; past it the engine waits for the next painted frame before the next token.
 */
const PAINT_SLACK_MS = 40;

export class Engine {
  #session: Session | null = null;
  #stopped = new Set<number>();
  #generating: number | null = null;
  #lastFrame = 0;
  #frameWaiters: (() => void)[] = [];

  constructor(private readonly post: (message: EngineMessage, transfer: Transferable[]) => void) {}

  /** Handles one request; results and errors go back through `post`. */
  async handle(request: EngineRequest): Promise<void> {
    if (request.op === 'stop') {
      if (this.#generating !== null) this.#stopped.add(this.#generating);
      this.#frame();
      return;
    }
    if (request.op === 'frame') {
      this.#frame();
      return;
    }
    try {
      const value = await this.#run(request.id, request.op, request.args as never);
      this.post({ id: request.id, kind: 'result', value }, transferables(value));
    } catch (error) {
      this.post({ id: request.id, kind: 'error', message: (error as Error).message ?? String(error) }, []);
    }
  }

  #frame(): void {
    this.#lastFrame = performance.now();
    for (const wake of this.#frameWaiters.splice(0)) wake();
  }

  /** Waits until the page has painted recently (or stop was asked); the safety timeout keeps a stalled page from halting generation. */
  async #paced(id: number, stopAsked: () => boolean): Promise<void> {
    const started = performance.now();
    while (performance.now() - this.#lastFrame > PAINT_SLACK_MS && !stopAsked() && performance.now() - started < 1000) {
      await new Promise<void>((resolve) => {
        this.#frameWaiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  #need(): Session {
    if (!this.#session) throw new Error('No model is loaded yet.');
    return this.#session;
  }

  async #run<K extends OpName>(id: number, op: K, args: EngineOps[K]['args']): Promise<EngineOps[K]['result']> {
    const a = args as never as Record<string, never>;
    switch (op) {
      case 'backend': {
        const { choice, threads } = args as EngineOps['backend']['args'];
        const report = await useBackend(choice, threads);
        this.#session?.rebuild();
        return report as never;
      }
      case 'engineStats':
        return cpuEngineStats() as never;
      case 'open': {
        // Open the new model before letting go of the old one: a bad file leaves the engine as it was.
        const session = Session.open((args as EngineOps['open']['args']).files);
        this.#session?.dispose();
        this.#session = session;
        return session.info as never;
      }
      case 'analyse': {
        const analysis = await this.#need().analyse(a.prompt);
        // The session keeps its arrays (the block view reads them); the page gets copies, transferred.
        return { ...analysis, attention: analysis.attention.map((w) => w.slice()) } as never;
      }
      case 'block':
        return blockView(this.#need(), a.position, a.layer) as never;
      case 'rotary':
        return (await rotaryPicture(this.#need(), a.positions, a.index, a.layer, a.head)) as never;
      case 'sinusoidal':
        return (await sinusoidalTable(a.positions, a.dim)) as never;
      case 'nearest':
        return (await nearestTokens(this.#need(), a.id, a.k)) as never;
      case 'generate': {
        const { prompt, settings, maxTokens, stopFlag } = args as EngineOps['generate']['args'];
        // A shared flag is read between tokens without waiting for the Stop message to be delivered.
        const stopAsked = () => this.#stopped.has(id) || (stopFlag !== undefined && Atomics.load(stopFlag, 0) === 1);
        this.#generating = id;
        this.#lastFrame = performance.now();
        try {
          let count = 0;
          const stopped = await generateTokens(this.#need(), prompt, settings, maxTokens, async (token, msPerToken) => {
            count++;
            // [1] = tokens made so far, readable by the page at the moment it asks to stop.
            if (stopFlag) Atomics.store(stopFlag, 1, count);
            this.post({ id, kind: 'token', token, msPerToken }, []);
            // Let the Stop message (and, in the page, a paint) in before the next token: Stop acts within one token.
            await yieldToEventLoop();
            await this.#paced(id, stopAsked);
            return !stopAsked();
          });
          return { stopped, count } as never;
        } finally {
          this.#stopped.delete(id);
          this.#generating = null;
        }
      }
      default:
        throw new Error(`unknown operation ${String(op)}`);
    }
  }
}
