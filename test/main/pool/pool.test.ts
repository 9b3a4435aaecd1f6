import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMessage } from '../../../main/contract/types';
import { JobPool, JobRefused } from '../../../main/pool/pool';
import { buildPoolWorker } from '../helpers/worker-bundle';

let pool: JobPool;
const events: EventMessage[] = [];

beforeAll(async () => {
  pool = new JobPool({ workerFile: await buildPoolWorker(), threads: 1, cancelGraceMs: 500 });
  pool.subscribe((e) => events.push(e));
}, 60_000);

afterAll(async () => {
  await pool?.close();
});

function eventsFor(jobId: string): EventMessage[] {
  return events.filter((e) => (e.event === 'job.state' ? e.payload.job.id === jobId : e.payload.jobId === jobId));
}

describe('JobPool', () => {
  it('runs a selftest job with real conv work and streams progress in order', async () => {
    const id = pool.start('selftest', { steps: 5, size: 8 });
    const rec = await pool.wait(id);
    expect(rec.state).toBe('succeeded');
    const result = rec.result as { steps: number; flops: number; checksum: number; engine: string };
    expect(result.steps).toBe(5);
    expect(result.engine).toBe('Conv2D');
    // 2x8x8x8 -> 16 filters, 3x3, same size: (2*16*8*8) outputs x (8*3*3) multiply-adds x 2 per step.
    expect(result.flops).toBe(5 * 2 * (2 * 16 * 8 * 8) * (8 * 3 * 3));
    expect(result.flops).toBeGreaterThan(0);
    expect(Number.isFinite(result.checksum)).toBe(true);
    const progress = eventsFor(id).filter((e) => e.event === 'job.progress').map((e) => (e.event === 'job.progress' ? e.payload.done : -1));
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    const states = eventsFor(id).filter((e) => e.event === 'job.state').map((e) => (e.event === 'job.state' ? e.payload.job.state : ''));
    expect(states).toEqual(['queued', 'running', 'succeeded']);
    expect(eventsFor(id).some((e) => e.event === 'log' && e.payload.message.includes('selftest'))).toBe(true);
  });

  it('is deterministic: same seed, same checksum', async () => {
    const a = await pool.wait(pool.start('selftest', { steps: 2, size: 8, seed: 7 }));
    const b = await pool.wait(pool.start('selftest', { steps: 2, size: 8, seed: 7 }));
    const c = await pool.wait(pool.start('selftest', { steps: 2, size: 8, seed: 8 }));
    const sum = (r: typeof a): number => (r.result as { checksum: number }).checksum;
    expect(sum(a)).toBe(sum(b));
    expect(sum(a)).not.toBe(sum(c));
  });

  it('refuses unknown kinds and bad params before queueing, with a typed error', () => {
    expect(() => pool.start('nope', {})).toThrow(JobRefused);
    try {
      pool.start('selftest', { steps: 'many' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(JobRefused);
      if (e instanceof JobRefused) {
        expect(e.error.code).toBe('bad-params');
        expect(e.error.message).toMatch(/steps/);
      }
    }
  });

  it('cancels a running job cooperatively', async () => {
    const id = pool.start('selftest', { steps: 10_000, size: 64 });
    await new Promise<void>((resolve) => {
      const off = pool.subscribe((e) => {
        if (e.event === 'job.progress' && e.payload.jobId === id && e.payload.done >= 2) {
          off();
          resolve();
        }
      });
    });
    expect(pool.cancel(id)).toBe(true);
    const rec = await pool.wait(id);
    expect(rec.state).toBe('cancelled');
    expect(rec.error?.code).toBe('cancelled');
    expect(rec.progress?.done ?? 0).toBeLessThan(10_000);
    expect(pool.cancel(id)).toBe(false);
  });

  it('a job that throws fails with its message; the worker keeps serving', async () => {
    const rec = await pool.wait(pool.start('selftest', { steps: 5, size: 8, crashAtStep: 2, crashMode: 'throw' }));
    expect(rec.state).toBe('failed');
    expect(rec.error).toEqual({ code: 'failed', message: 'selftest: failing on purpose at step 2' });
  });

  it.each(['exit', 'uncaught'] as const)('survives a worker crash (%s): job failed with reason, next job runs', async (mode) => {
    const crashed = await pool.wait(pool.start('selftest', { steps: 5, size: 8, crashAtStep: 1, crashMode: mode }));
    expect(crashed.state).toBe('failed');
    expect(crashed.error?.code).toBe('crashed');
    expect(crashed.error?.message).toMatch(mode === 'exit' ? /exit/i : /uncaught error at step 1/);
    const next = await pool.wait(pool.start('selftest', { steps: 3, size: 8 }));
    expect(next.state).toBe('succeeded');
    expect(pool.list().find((r) => r.id === crashed.id)?.state).toBe('failed');
  });

  it('cancels a queued job without running it', async () => {
    const running = pool.start('selftest', { steps: 10_000, size: 64 });
    const queued = pool.start('selftest', { steps: 3, size: 8 });
    expect(pool.cancel(queued)).toBe(true);
    const rec = await pool.wait(queued);
    expect(rec.state).toBe('cancelled');
    expect(rec.startedAt).toBeUndefined();
    pool.cancel(running);
    expect((await pool.wait(running)).state).toBe('cancelled');
  });
});
