/**
 * The main-process services, shared by both transports (Electron IPC and the browser host) and
 * the CLI. Handlers receive params already validated by the contract's dispatcher.
 */
import { version } from '../../package.json';
import { ContractFailure } from '../contract/dispatch';
import type { Handlers } from '../contract/types';
import { JobPool, JobRefused } from '../pool/pool';
import { doctor } from '../system/doctor';
import { datasetHandlers } from './datasets';
import { modelHandlers } from './models';
import { projectHandlers } from './projects';

export interface AppContext {
  pool: JobPool;
  version: string;
}

export interface AppOptions {
  workerFile: string | URL;
  threads?: number;
}

export function createApp(opts: AppOptions): AppContext {
  return { pool: new JobPool({ workerFile: opts.workerFile, threads: opts.threads }), version };
}

export async function closeApp(app: AppContext): Promise<void> {
  await app.pool.close();
}

/**
 * The worker bundle sits next to the built main entries (out/main/pool-worker.js). In a packaged
 * app it is unpacked beside app.asar (see electron-builder.yml), since threads cannot load from it.
 */
export function defaultWorkerFile(base: string = import.meta.url): URL {
  return new URL(new URL('./pool-worker.js', base).href.replace('/app.asar/', '/app.asar.unpacked/'));
}

export function createHandlers(app: AppContext, transport: string): Handlers {
  const job = (jobId: string) => {
    const rec = app.pool.get(jobId);
    if (!rec) throw new ContractFailure('invalid-params', `no job with id "${jobId}"`);
    return rec;
  };
  return {
    'app.ping': async (p) => ({ pong: true, version: app.version, transport, ...(p.note === undefined ? {} : { note: p.note }) }),
    'system.doctor': async () => doctor(),
    'jobs.kinds': async () => app.pool.kinds(),
    'jobs.start': async (p) => {
      try {
        return { jobId: app.pool.start(p.kind, p.params) };
      } catch (e) {
        if (e instanceof JobRefused) throw new ContractFailure('invalid-params', e.message);
        throw e;
      }
    },
    'jobs.cancel': async (p) => {
      job(p.jobId);
      return { cancelled: app.pool.cancel(p.jobId) };
    },
    'jobs.get': async (p) => job(p.jobId),
    'jobs.list': async () => app.pool.list(),
    'jobs.pause': async (p) => {
      job(p.jobId);
      return { paused: app.pool.pause(p.jobId) };
    },
    'jobs.resume': async (p) => {
      job(p.jobId);
      return { resumed: app.pool.resume(p.jobId) };
    },
    ...projectHandlers(),
    ...datasetHandlers(),
    ...modelHandlers(app),
  };
}
