/**
 * Every request/response method of the contract: params schema (validated on arrival) and
 * result schema. Adding a method = a name in names.ts, an entry here, a handler in main/services.
 */
import { z } from 'zod';
import type { MethodName } from './names';
import { datasetMethods } from './datasets';
import { jobRecord } from './jobs';
import { projectMethods } from './projects';

export interface MethodSpec {
  params: z.ZodType;
  result: z.ZodType;
  summary: string;
}

const empty = z.strictObject({});

const check = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });

export const methods = {
  'app.ping': {
    summary: 'Liveness check; echoes an optional note.',
    params: z.strictObject({ note: z.string().max(200).optional() }),
    result: z.object({ pong: z.literal(true), version: z.string(), transport: z.string(), note: z.string().optional() }),
  },
  'system.doctor': {
    summary: 'What works on this machine (same report as `convlab doctor`).',
    params: empty,
    result: z.object({
      checks: z.array(check),
      node: z.string(),
      platform: z.string(),
      threads: z.number(),
      cpuModel: z.string(),
    }),
  },
  'jobs.kinds': {
    summary: 'The job kinds the pool can run.',
    params: empty,
    result: z.array(z.object({ kind: z.string(), summary: z.string() })),
  },
  'jobs.start': {
    summary: 'Queue a job; progress arrives as job.progress / job.state events.',
    params: z.strictObject({ kind: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) }),
    result: z.object({ jobId: z.string() }),
  },
  'jobs.cancel': {
    summary: 'Ask a queued or running job to stop.',
    params: z.strictObject({ jobId: z.string().min(1) }),
    result: z.object({ cancelled: z.boolean() }),
  },
  'jobs.get': {
    summary: 'One job record.',
    params: z.strictObject({ jobId: z.string().min(1) }),
    result: jobRecord,
  },
  'jobs.list': {
    summary: 'All job records, newest first.',
    params: empty,
    result: z.array(jobRecord),
  },
  'jobs.pause': {
    summary: 'Pause a running job of a pausable kind (train) at its next step boundary, keeping its state.',
    params: z.strictObject({ jobId: z.string().min(1) }),
    result: z.object({ paused: z.boolean() }),
  },
  'jobs.resume': {
    summary: 'Let a paused job continue where it stopped.',
    params: z.strictObject({ jobId: z.string().min(1) }),
    result: z.object({ resumed: z.boolean() }),
  },
  ...projectMethods,
  ...datasetMethods,
} as const satisfies Record<MethodName, MethodSpec>;
