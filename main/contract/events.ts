/** Every event the main side pushes to renderers: schema per event name. */
import { z } from 'zod';
import type { EventName } from './names';
import { jobProgress, jobRecord } from './jobs';

export const events = {
  'job.progress': jobProgress.extend({ jobId: z.string(), kind: z.string() }),
  'job.state': z.object({ job: jobRecord }),
  log: z.object({
    time: z.number(),
    level: z.enum(['info', 'warn', 'error']),
    source: z.string(),
    message: z.string(),
    jobId: z.string().optional(),
  }),
} as const satisfies Record<EventName, z.ZodType>;
