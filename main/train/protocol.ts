/** Messages between the training engine (main thread) and its gradient workers. */
import type { LossConfig, ModelGraph } from '../../core/index';
import type { Layout } from './shared-weights';

export interface WorkerInit {
  type: 'init';
  graph: ModelGraph;
  layout: Layout;
  weights: SharedArrayBuffer;
  /** This worker's own gradient region (layout.size floats). */
  grads: SharedArrayBuffer;
  loss: LossConfig;
}

export interface WorkerStep {
  type: 'step';
  id: number;
  shape: number[];
  x: Float32Array;
  y: Int32Array;
  /** Shard size / batch size. */
  scale: number;
  seed: number;
}

export type ToWorker = WorkerInit | WorkerStep | { type: 'close' };

export interface StateEntry {
  node: string;
  param: string;
  shape: number[];
  data: Float32Array;
}

export type FromWorker =
  | { type: 'ready' }
  | {
      type: 'done';
      id: number;
      loss: number;
      correct: number;
      count: number;
      /** Slots (node/param) whose gradients were written into the worker's region. */
      written: string[];
      state: StateEntry[];
      /** Wall milliseconds the worker spent computing this shard (for the engine's busy-time figures). */
      busyMs: number;
    }
  | { type: 'error'; id: number; message: string };
