/** Messages between the ORT training engine (main thread) and its worker, which owns the session. */

export type WireData = Float32Array | BigInt64Array;

export interface WireTensor {
  name: string;
  shape: number[];
  data: WireData;
}

export type ToOrtWorker =
  | {
      type: 'init';
      model: Uint8Array;
      intraOpThreads: number;
      /** Params and optimizer state at the start (copied into the session's carried inputs). */
      carried: WireTensor[];
      /** Output -> input: what each step feeds back to the next. */
      carry: Record<string, string>;
      /** Outputs returned after every step (loss, logits). */
      fetch: string[];
    }
  | { type: 'step'; id: number; feeds: WireTensor[] }
  | { type: 'read'; id: number; names: string[] }
  /** Builds (or replaces) the worker's inference session for evaluation: the exported model with the current weights. */
  | { type: 'eval-model'; id: number; model: Uint8Array; input: string; output: string }
  /** Logits of one chunk of samples through the evaluation session (result: one tensor named by the output). */
  | { type: 'infer'; id: number; x: WireTensor }
  /** Tests only: end the worker thread abruptly, as a native crash would. */
  | { type: 'crash' }
  | { type: 'close' };

export type FromOrtWorker =
  | { type: 'ready'; provider: string; intraOpThreads: number }
  | { type: 'result'; id: number; outputs: WireTensor[] }
  /** id -1: the session could not be built. */
  | { type: 'error'; id: number; message: string };
