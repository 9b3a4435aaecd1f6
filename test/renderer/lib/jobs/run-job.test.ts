import { describe, expect, it } from 'vitest';
import type { EventMessage, JobRecord, MethodName, Params, Result } from '../../../../main/contract/types';
import { startJob, type JobClient } from '../../../../renderer/src/lib/jobs/run-job';

/** A fake main: jobs.start answers after `emitFirst` events were pushed (a job that ends before the reply). */
function fake(events: (id: string) => EventMessage[], emitBeforeReply: boolean): JobClient {
  const listeners = new Set<(e: EventMessage) => void>();
  return {
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async call<M extends MethodName>(method: M, _p: Params<M>): Promise<Result<M>> {
      const push = () => events('j1').forEach((e) => listeners.forEach((l) => l(e)));
      if (method === 'jobs.start') {
        if (emitBeforeReply) push();
        else setTimeout(push, 5);
        const r: Result<'jobs.start'> = { jobId: 'j1' };
        return r as Result<M>;
      }
      const rec: JobRecord = { id: 'j1', kind: 'export', state: 'running', createdAt: 0 };
      return rec as Result<M>;
    },
  };
}

const done = (id: string): EventMessage[] => [
  { type: 'event', event: 'job.progress', payload: { jobId: id, kind: 'export', done: 1, total: 2, message: 'half' } },
  { type: 'event', event: 'job.state', payload: { job: { id, kind: 'export', state: 'succeeded', createdAt: 0, result: { ok: 1 } } } },
];

describe('startJob', () => {
  it('resolves with the final record and passes progress on', async () => {
    const seen: string[] = [];
    const job = await startJob(fake(done, false), 'export', {}, (p) => seen.push(p.message ?? ''));
    const rec = await job.done;
    expect(rec.state).toBe('succeeded');
    expect(rec.result).toEqual({ ok: 1 });
    expect(seen).toEqual(['half']);
  });

  it('does not miss a job that ended before jobs.start answered', async () => {
    const job = await startJob(fake(done, true), 'export', {});
    expect((await job.done).state).toBe('succeeded');
  });
});
