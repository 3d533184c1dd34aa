/// <reference lib="webworker" />
/** The engine in a Web Worker: the model's forward passes and generation never block the page. */
import { Engine } from './engine';
import type { EngineRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const engine = new Engine((message, transfer) => scope.postMessage(message, transfer));
scope.onmessage = (event: MessageEvent<EngineRequest>) => void engine.handle(event.data);
