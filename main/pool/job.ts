/**
 * One pool job kind. Each kind lives in its own file under jobs/ and is listed once in
 * jobs/index.ts. `run` executes inside a worker thread (the worker bundle imports the table);
 * `params` is validated in main before the job is queued and again in the worker.
 */
import type { z } from 'zod';

export interface JobContext {
  /** Report progress: `done` of `total` units, optional short message, metrics and string labels (backend name, phase). */
  progress(done: number, total: number, message?: string, metrics?: Record<string, number>, labels?: Record<string, string>): void;
  /** A log line that subscribers see as a `log` event. */
  log(message: string, level?: 'info' | 'warn' | 'error'): void;
  /** True once the job was asked to stop; long loops check it between steps and throw `cancelled()`. */
  isCancelled(): boolean;
  /** Throws the cancellation error when the job was asked to stop (call between steps). */
  throwIfCancelled(): void;
  /**
   * A pause point (call at step boundaries of a `pausable` kind): while `jobs.pause` is in force
   * it reports the job paused and blocks this worker thread, keeping all state, until `jobs.resume`
   * or a cancel request. Returns at once when no pause was asked for.
   */
  pausePoint(): void;
}

export interface JobKind<S extends z.ZodType = z.ZodType, R = unknown> {
  /** The name used in `jobs.start` and `convlab` commands. */
  kind: string;
  /** One line for docs and the UI. */
  summary: string;
  params: S;
  /** True when `run` calls `ctx.pausePoint()` between steps, so `jobs.pause` means something. */
  pausable?: boolean;
  run(params: z.output<S>, ctx: JobContext): Promise<R> | R;
}

export function defineJob<S extends z.ZodType, R>(job: JobKind<S, R>): JobKind<S, R> {
  return job;
}

/** Thrown inside a worker by `throwIfCancelled`; the pool reports the job as cancelled. */
export class JobCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'JobCancelled';
  }
}
