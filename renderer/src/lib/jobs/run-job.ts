/**
 * Start a pool job and wait for its end: resolves with the final job record (succeeded, failed
 * or cancelled), never rejects for a failed job (the record carries the error). Events are
 * listened to before the job starts, so a job that ends before `jobs.start` answers is not missed;
 * `jobs.get` is asked once as well, in case the end event came before we knew the id.
 */
import type { JobProgress, JobRecord } from '../../../../main/contract/types';
import type { Client } from '../../client/index';

export type JobClient = Pick<Client, 'call' | 'onEvent'>;

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

export function isFinal(state: string): boolean {
  return FINAL.has(state);
}

export interface StartedJob {
  jobId: string;
  done: Promise<JobRecord>;
}

export async function startJob(client: JobClient, kind: string, params: Record<string, unknown>, onProgress?: (p: JobProgress) => void): Promise<StartedJob> {
  let jobId: string | undefined;
  const early: JobRecord[] = [];
  let finish: ((r: JobRecord) => void) | undefined;
  const done = new Promise<JobRecord>((resolve) => (finish = resolve));
  const off = client.onEvent((e) => {
    if (e.event === 'job.state') {
      if (jobId === undefined) early.push(e.payload.job);
      else if (e.payload.job.id === jobId && isFinal(e.payload.job.state)) finish?.(e.payload.job);
    } else if (e.event === 'job.progress' && e.payload.jobId === jobId) onProgress?.(e.payload);
  });
  try {
    jobId = (await client.call('jobs.start', { kind, params })).jobId;
  } catch (e) {
    off();
    throw e;
  }
  const id = jobId;
  const seen = early.find((r) => r.id === id && isFinal(r.state));
  if (seen) finish?.(seen);
  else {
    void client
      .call('jobs.get', { jobId: id })
      .then((r) => {
        if (isFinal(r.state)) finish?.(r);
      })
      .catch(() => {});
  }
  return { jobId: id, done: done.finally(off) };
}
