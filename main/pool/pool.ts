/**
 * The job pool: a piscina worker pool plus a registry of job records. Subscribers get
 * `job.state` on every state change, `job.progress` while a job runs and `log` lines.
 * A crashed worker (process.exit, uncaught error) fails only its job, with the reason;
 * piscina starts a replacement thread and the pool keeps serving.
 */
import { randomUUID } from 'node:crypto';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { EventMessage, JobError, JobRecord } from '../contract/types';
import { findJobKind, jobKinds } from './jobs/index';
import type { WorkerEvent, WorkerOutcome, WorkerTask } from './protocol';

export interface PoolOptions {
  /** Absolute path or file URL of the built worker bundle (out/main/pool-worker.js). */
  workerFile: string | URL;
  /** Worker threads; default: half the cores, at least 1. */
  threads?: number;
  /** After a cancel request, how long a job may take to stop on its own before its worker is terminated. */
  cancelGraceMs?: number;
  /** How many finished records to keep. */
  keepFinished?: number;
}

export type PoolListener = (event: EventMessage) => void;

/** Thrown by `start` for requests refused before queueing (unknown kind, bad params, closed pool). */
export class JobRefused extends Error {
  constructor(readonly error: JobError) {
    super(error.message);
    this.name = 'JobRefused';
  }
}

interface Live {
  record: JobRecord;
  cancelFlag: Int32Array;
  abort: AbortController;
  cancelTimer?: ReturnType<typeof setTimeout>;
  done: Promise<JobRecord>;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export class JobPool {
  private readonly piscina: Piscina<WorkerTask, WorkerOutcome>;
  private readonly jobs = new Map<string, Live>();
  private readonly listeners = new Set<PoolListener>();
  private readonly cancelGraceMs: number;
  private readonly keepFinished: number;
  private closed = false;

  constructor(opts: PoolOptions) {
    const threads = Math.max(1, opts.threads ?? 1);
    const filename = typeof opts.workerFile === 'string' ? opts.workerFile : opts.workerFile.href;
    this.piscina = new Piscina<WorkerTask, WorkerOutcome>({ filename, minThreads: 0, maxThreads: threads, idleTimeout: 30_000 });
    this.cancelGraceMs = opts.cancelGraceMs ?? 2_000;
    this.keepFinished = opts.keepFinished ?? 200;
  }

  kinds(): { kind: string; summary: string }[] {
    return jobKinds.map((j) => ({ kind: j.kind, summary: j.summary }));
  }

  subscribe(listener: PoolListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Threads currently alive (for tests and diagnostics). */
  get threadCount(): number {
    return this.piscina.threads.length;
  }

  /** Validates kind and params, queues the job and returns its id at once. */
  start(kind: string, params: unknown): string {
    if (this.closed) throw new JobRefused({ code: 'pool-closed', message: 'the job pool is closed' });
    const job = findJobKind(kind);
    if (!job) {
      throw new JobRefused({ code: 'unknown-kind', message: `unknown job kind "${kind}" (known: ${jobKinds.map((j) => j.kind).join(', ')})` });
    }
    const parsed = job.params.safeParse(params ?? {});
    if (!parsed.success) {
      const msg = parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ');
      throw new JobRefused({ code: 'bad-params', message: `${kind}: ${msg}` });
    }
    const id = randomUUID();
    const record: JobRecord = { id, kind, state: 'queued', createdAt: Date.now() };
    const shared = new SharedArrayBuffer(8);
    const live: Live = { record, cancelFlag: new Int32Array(shared), abort: new AbortController(), done: Promise.resolve(record) };
    this.jobs.set(id, live);
    this.emitState(live);
    live.done = this.execute(live, parsed.data, shared);
    this.prune();
    return id;
  }

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id)?.record;
  }

  list(): JobRecord[] {
    return [...this.jobs.values()].map((l) => l.record).sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Resolves with the final record. */
  wait(id: string): Promise<JobRecord> {
    const live = this.jobs.get(id);
    if (!live) return Promise.reject(new Error(`unknown job "${id}"`));
    return live.done;
  }

  /**
   * Asks a job to stop: sets its flag (checked between steps); a queued job is dropped at once;
   * a job still running after the grace period has its worker terminated. False if already over.
   */
  cancel(id: string): boolean {
    const live = this.jobs.get(id);
    if (!live || TERMINAL.has(live.record.state)) return false;
    Atomics.store(live.cancelFlag, 0, 1);
    Atomics.notify(live.cancelFlag, 1);
    if (live.record.state === 'queued') live.abort.abort(new Error('cancelled'));
    else live.cancelTimer ??= setTimeout(() => live.abort.abort(new Error('cancelled')), this.cancelGraceMs);
    return true;
  }

  /**
   * Asks a running job of a pausable kind to pause at its next step boundary; the record turns
   * 'paused' when the worker confirms. False when the job is over, not running or not pausable.
   */
  pause(id: string): boolean {
    const live = this.jobs.get(id);
    if (!live || !findJobKind(live.record.kind)?.pausable) return false;
    if (live.record.state !== 'running' && live.record.state !== 'queued' && live.record.state !== 'paused') return false;
    Atomics.store(live.cancelFlag, 1, 1);
    return true;
  }

  /** Lets a paused (or pause-requested) job continue. False when there was nothing to resume. */
  resume(id: string): boolean {
    const live = this.jobs.get(id);
    if (!live || TERMINAL.has(live.record.state) || Atomics.load(live.cancelFlag, 1) !== 1) return false;
    Atomics.store(live.cancelFlag, 1, 0);
    Atomics.notify(live.cancelFlag, 1);
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const live of this.jobs.values()) this.cancel(live.record.id);
    await Promise.allSettled([...this.jobs.values()].map((l) => l.done));
    await this.piscina.destroy();
  }

  private async execute(live: Live, params: unknown, shared: SharedArrayBuffer): Promise<JobRecord> {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (msg: WorkerEvent) => this.onWorkerEvent(live, msg));
    const task: WorkerTask = { kind: live.record.kind, params, port: port2, cancelFlag: shared };
    let outcome: WorkerOutcome | { ok: false; error: JobError };
    try {
      outcome = await this.piscina.run(task, { transferList: [port2], signal: live.abort.signal });
    } catch (e) {
      outcome = { ok: false, error: this.classify(live, e) };
    }
    drain(port1, (msg) => this.onWorkerEvent(live, msg));
    port1.close();
    if (live.cancelTimer) clearTimeout(live.cancelTimer);
    const rec = live.record;
    rec.endedAt = Date.now();
    if (outcome.ok) {
      rec.state = 'succeeded';
      rec.result = outcome.result;
    } else {
      rec.state = outcome.error.code === 'cancelled' ? 'cancelled' : 'failed';
      rec.error = outcome.error;
      this.emitLog(live, outcome.error.code === 'cancelled' ? 'info' : 'error', `${rec.kind}: ${outcome.error.message}`);
    }
    this.emitState(live);
    return rec;
  }

  private classify(live: Live, e: unknown): JobError {
    const message = e instanceof Error ? e.message : String(e);
    if (live.abort.signal.aborted) {
      const stage = live.record.state === 'queued' ? 'before it started' : `after ${this.cancelGraceMs} ms grace (worker terminated)`;
      return { code: 'cancelled', message: `cancelled by request ${stage}` };
    }
    if (this.closed) return { code: 'pool-closed', message: `the job pool closed: ${message}` };
    return { code: 'crashed', message: `worker crashed: ${message}; the pool replaced it` };
  }

  private onWorkerEvent(live: Live, msg: WorkerEvent): void {
    if (TERMINAL.has(live.record.state)) return;
    if (live.record.state === 'queued') {
      live.record.state = 'running';
      live.record.startedAt = Date.now();
      this.emitState(live);
    }
    if (msg.type === 'started') return;
    if (msg.type === 'paused' || msg.type === 'resumed') {
      live.record.state = msg.type === 'paused' ? 'paused' : 'running';
      this.emitState(live);
      return;
    }
    if (msg.type === 'log') {
      this.emitLog(live, msg.level, msg.message);
      return;
    }
    const { type: _type, ...progress } = msg;
    live.record.progress = progress;
    this.emit({ type: 'event', event: 'job.progress', payload: { jobId: live.record.id, kind: live.record.kind, ...progress } });
  }

  private emitState(live: Live): void {
    this.emit({ type: 'event', event: 'job.state', payload: { job: { ...live.record } } });
  }

  private emitLog(live: Live, level: 'info' | 'warn' | 'error', message: string): void {
    this.emit({ type: 'event', event: 'log', payload: { time: Date.now(), level, source: 'pool', message, jobId: live.record.id } });
  }

  private emit(event: EventMessage): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a failing subscriber must not break the pool or other subscribers
      }
    }
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((l) => TERMINAL.has(l.record.state));
    for (const l of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.jobs.delete(l.record.id);
  }
}

function drain(port: MessagePort, handle: (msg: WorkerEvent) => void): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) handle(m.message as WorkerEvent);
}
