/** Schemas for pool jobs as they cross the contract (records, progress, errors). */
import { z } from 'zod';

/** 'paused': a pausable job stopped at a step boundary by `jobs.pause`, keeping its state until `jobs.resume`. */
export const jobState = z.enum(['queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled']);

/**
 * The typed error variant: unknown-kind / bad-params (refused before queueing), failed (the job
 * threw), crashed (the worker thread died; the pool replaced it), cancelled, pool-closed.
 */
export const jobErrorCode = z.enum(['unknown-kind', 'bad-params', 'failed', 'crashed', 'cancelled', 'pool-closed']);

export const jobError = z.object({ code: jobErrorCode, message: z.string() });

export const jobProgress = z.object({
  done: z.number(),
  total: z.number(),
  message: z.string().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
  /** String facts beside the numbers, e.g. the training job's event ('step' | 'epoch' | 'backend'), backend and fallback reason. */
  labels: z.record(z.string(), z.string()).optional(),
});

export const jobRecord = z.object({
  id: z.string(),
  kind: z.string(),
  state: jobState,
  createdAt: z.number(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  progress: jobProgress.optional(),
  result: z.unknown().optional(),
  error: jobError.optional(),
});
