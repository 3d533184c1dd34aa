/**
 * The messages between the page and the engine (model/engine.ts), which runs in a Web Worker (or, for a
 * backend that cannot run there, in the page). Every value is plain data that structured clone can copy.
 */
import type { RotaryPicture } from '../draw/rotary-pairs';
import type { BlockView } from './block-view';
import type { Neighbour } from './nearest';
import type { Analysis, GeneratedToken, ModelInfo, SamplingSettings } from './types';
import type { BackendChoice } from '../backend-card';
import type { EngineStats } from '@transformer-kit/tensor';

/** The files of a model: a llama2.c .bin + its tokenizer, one GGUF, or a Hugging Face folder's files. */
export interface ModelFiles {
  name: string;
  /** llama2.c .bin or .gguf bytes; null for a Hugging Face folder (then `folder` holds its files). */
  model: ArrayBuffer | null;
  tokenizer: ArrayBuffer | null;
  /** A Hugging Face folder's files by name (config.json, model.safetensors, tokenizer.json). */
  folder?: Record<string, ArrayBuffer>;
}

/** What the engine reports about the backend it switched to. */
export interface BackendReport {
  name: string;
  choice: BackendChoice;
  note: string;
  /** The CPU backend's threads (1 where the page is not cross-origin isolated); null while the GPU runs. */
  cpuThreads: number | null;
}

/** Each operation: its arguments and its result. */
export interface EngineOps {
  /** `threads`: the CPU backend's thread count (the page's `?threads=N`); the machine's parallelism when absent. */
  backend: { args: { choice: BackendChoice; threads?: number }; result: BackendReport };
  /** The CPU backend's threads and the work split across them; null while the GPU runs. */
  engineStats: { args: Record<string, never>; result: EngineStats | null };
  open: { args: { files: ModelFiles }; result: ModelInfo };
  analyse: { args: { prompt: string }; result: Analysis };
  block: { args: { position: number; layer: number }; result: BlockView };
  rotary: { args: { positions: number; index: number; layer: number; head: number }; result: RotaryPicture };
  sinusoidal: { args: { positions: number; dim: number }; result: Float32Array };
  nearest: { args: { id: number; k: number }; result: Neighbour[] };
  generate: {
    /** `stopFlag`: Int32Array(2) over a SharedArrayBuffer (cross-origin isolated pages): Stop sets [0] = 1; the engine counts the tokens made in [1]. */
    args: { prompt: string; settings: SamplingSettings; maxTokens: number; stopFlag?: Int32Array };
    result: { stopped: boolean; count: number };
  };
}
export type OpName = keyof EngineOps;

/** page → engine */
export type EngineRequest =
  | { [K in OpName]: { id: number; op: K; args: EngineOps[K]['args'] } }[OpName]
  | { id: number; op: 'stop' }
  /** The page painted a frame (sent once per frame while generating): see the engine's backpressure. */
  | { id: number; op: 'frame' };

/** engine → page: a result, an error (its message), or a token of a running generation. */
export type EngineMessage =
  | { id: number; kind: 'result'; value: unknown }
  | { id: number; kind: 'error'; message: string }
  | { id: number; kind: 'token'; token: GeneratedToken; msPerToken: number };
