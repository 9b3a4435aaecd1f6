/** Messages between the pool (main thread) and a worker: a discriminated union with an error variant. */
import type { MessagePort } from 'node:worker_threads';
import type { JobErrorCode, JobProgress } from '../contract/types';

export interface WorkerTask {
  kind: string;
  params: unknown;
  /** Progress and log lines flow back over this port while the job runs. */
  port: MessagePort;
  /** Int32Array(2) over this buffer: [0] is 1 once cancellation was requested, [1] is 1 while a pause is requested (read synchronously). */
  cancelFlag: SharedArrayBuffer;
}

export type WorkerEvent =
  | { type: 'started' }
  | ({ type: 'progress' } & JobProgress)
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'paused' }
  | { type: 'resumed' };

export type WorkerOutcome =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: Exclude<JobErrorCode, 'crashed' | 'pool-closed'>; message: string } };
