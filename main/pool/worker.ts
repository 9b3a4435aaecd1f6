/**
 * Pool worker entry (bundled to out/main/pool-worker.js). Runs one job of a named kind,
 * streaming progress over the task's port and answering with a WorkerOutcome. The main side
 * owns the port's lifetime: it drains queued messages when the task settles, then closes it.
 */
import { findJobKind } from './jobs/index';
import { JobCancelled, type JobContext } from './job';
import type { WorkerEvent, WorkerOutcome, WorkerTask } from './protocol';

export default async function runTask(task: WorkerTask): Promise<WorkerOutcome> {
  const flag = new Int32Array(task.cancelFlag);
  const send = (e: WorkerEvent): void => task.port.postMessage(e);
  send({ type: 'started' });
  try {
    const job = findJobKind(task.kind);
    if (!job) return { ok: false, error: { code: 'unknown-kind', message: `unknown job kind "${task.kind}"` } };
    const parsed = job.params.safeParse(task.params);
    if (!parsed.success) {
      return { ok: false, error: { code: 'bad-params', message: parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ') } };
    }
    const isCancelled = (): boolean => Atomics.load(flag, 0) === 1;
    const ctx: JobContext = {
      progress: (done, total, message, metrics, labels) => send({ type: 'progress', done, total, message, metrics, labels }),
      log: (message, level = 'info') => send({ type: 'log', level, message }),
      isCancelled,
      throwIfCancelled: () => {
        if (isCancelled()) throw new JobCancelled();
      },
      pausePoint: () => {
        if (Atomics.load(flag, 1) !== 1 || isCancelled()) return;
        send({ type: 'paused' });
        // Blocks this worker thread (state kept) until resume or cancel; the pool notifies index 1.
        while (Atomics.load(flag, 1) === 1 && !isCancelled()) Atomics.wait(flag, 1, 1, 1_000);
        send({ type: 'resumed' });
      },
    };
    const result = await job.run(parsed.data, ctx);
    return { ok: true, result };
  } catch (e) {
    if (e instanceof JobCancelled) return { ok: false, error: { code: 'cancelled', message: 'cancelled by request' } };
    return { ok: false, error: { code: 'failed', message: e instanceof Error ? e.message : String(e) } };
  }
}
