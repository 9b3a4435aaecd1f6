/**
 * The `train` job in real pool workers on the first 256 bundled MNIST digits: progress events
 * while it runs, pause/resume at a step boundary (the paused run ends bit-identical to an
 * uninterrupted one), cancel while paused, the ORT backend, starting from given weights, and a
 * diverging run failing with the reason.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGraphJson } from '../../../core/index';
import type { EventMessage, EventPayload, JobRecord } from '../../../main/contract/types';
import type { TrainJobResult } from '../../../main/pool/jobs/train';
import { JobPool } from '../../../main/pool/pool';
import { buildLabWorkers } from '../helpers/worker-bundle';

let pool: JobPool;
let dir = '';
const events: EventMessage[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'convlab-train-job-'));
  pool = new JobPool({ workerFile: await buildLabWorkers(), threads: 1, cancelGraceMs: 5_000 });
  pool.subscribe((e) => events.push(e));
}, 180_000);
afterAll(async () => {
  await pool?.close();
  rmSync(dir, { recursive: true, force: true });
});

const quick = { model: 'lenet5', dataset: 'mnist', subset: 256, evalSubset: 200, batchSize: 32, optimizer: 'adam', lr: 0.002, seed: 3, progressEveryMs: 0 };

function progressOf(id: string): EventPayload<'job.progress'>[] {
  return events.flatMap((e) => (e.event === 'job.progress' && e.payload.jobId === id ? [e.payload] : []));
}
function statesOf(id: string): string[] {
  return events.flatMap((e) => (e.event === 'job.state' && e.payload.job.id === id ? [e.payload.job.state] : []));
}
function resultOf(rec: JobRecord): TrainJobResult {
  if (rec.state !== 'succeeded') throw new Error(`job ${rec.state}: ${rec.error?.message}`);
  return rec.result as TrainJobResult;
}
function until(pred: (e: EventMessage) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const off = pool.subscribe((e) => {
      if (pred(e)) {
        off();
        resolve();
      }
    });
  });
}

describe('train job', () => {
  let plain: TrainJobResult;

  it('trains 2 epochs on 256 digits: step and epoch events stream, results and run dir are complete', async () => {
    const id = pool.start('train', { ...quick, epochs: 2, backend: 'core', outDir: join(dir, 'plain') });
    plain = resultOf(await pool.wait(id));
    const p = progressOf(id);
    const steps = p.filter((x) => x.labels?.event === 'step');
    expect(steps.map((s) => s.done)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(steps.every((s) => s.total === 16 && Number.isFinite(s.metrics?.loss) && (s.metrics?.imagesPerSec ?? 0) > 0)).toBe(true);
    expect(steps[15].metrics?.etaSeconds).toBe(0);
    expect(steps[1].metrics?.etaSeconds).toBeGreaterThan(0);
    expect(p.find((x) => x.labels?.event === 'backend')?.labels?.backend).toBe('core');
    const epochs = p.filter((x) => x.labels?.event === 'epoch');
    expect(epochs.map((e) => e.metrics?.epoch)).toEqual([1, 2]);
    expect(epochs[1].metrics?.valAccuracy).toBeGreaterThan(0.3); // 16 steps; chance is 0.1
    expect(statesOf(id)).toEqual(['queued', 'running', 'succeeded']);
    expect(plain.status).toBe('completed');
    expect(plain.sizes).toEqual({ train: 256, val: 200, test: 200 });
    expect(plain.epochs).toHaveLength(2);
    expect(plain.epochs[1].trainLoss).toBeLessThan(plain.epochs[0].trainLoss);
    expect(plain.confusion?.flat().reduce((a, b) => a + b, 0)).toBe(200);
    expect(plain.testAccuracy).toBeGreaterThan(0.3);
    const model = parseGraphJson(readFileSync(plain.modelFile, 'utf8'));
    expect(model.weights?.c1.weight.shape).toEqual([6, 1, 5, 5]);
    expect(existsSync(join(plain.runDir, 'metrics.json'))).toBe(true);
    expect(plain.checkpointFile && existsSync(plain.checkpointFile)).toBe(true);
  });

  it('pauses at a step boundary keeping its state, resumes, and ends exactly like the uninterrupted run', async () => {
    const id = pool.start('train', { ...quick, epochs: 2, backend: 'core', outDir: join(dir, 'paused') });
    await until((e) => e.event === 'job.progress' && e.payload.jobId === id && e.payload.labels?.event === 'step' && e.payload.done >= 3);
    expect(pool.pause(id)).toBe(true);
    await until((e) => e.event === 'job.state' && e.payload.job.id === id && e.payload.job.state === 'paused');
    const at = pool.get(id)?.progress?.done ?? -1;
    await new Promise((r) => setTimeout(r, 600));
    expect(pool.get(id)?.state).toBe('paused');
    expect(pool.get(id)?.progress?.done).toBe(at);
    expect(at).toBeLessThan(16);
    expect(pool.resume(id)).toBe(true);
    const done = resultOf(await pool.wait(id));
    expect(statesOf(id)).toEqual(['queued', 'running', 'paused', 'running', 'succeeded']);
    expect(done.epochs.map((e) => e.trainLoss)).toEqual(plain.epochs.map((e) => e.trainLoss));
    expect(done.testAccuracy).toBe(plain.testAccuracy);
    expect(pool.resume(id)).toBe(false);
    expect(pool.pause(id)).toBe(false);
  });

  it('a paused job can be cancelled; pause is refused for kinds that cannot pause', async () => {
    const id = pool.start('train', { ...quick, epochs: 3, backend: 'core', outDir: join(dir, 'cancel') });
    await until((e) => e.event === 'job.progress' && e.payload.jobId === id && e.payload.labels?.event === 'step');
    pool.pause(id);
    await until((e) => e.event === 'job.state' && e.payload.job.id === id && e.payload.job.state === 'paused');
    expect(pool.cancel(id)).toBe(true);
    const rec = await pool.wait(id);
    expect(rec.state).toBe('cancelled');
    expect(rec.error?.message).toMatch(/cancelled by request/);
    const self = pool.start('selftest', { steps: 2, size: 8 });
    expect(pool.pause(self)).toBe(false);
    await pool.wait(self);
  });

  it('runs on the ORT backend and says so', async () => {
    const id = pool.start('train', { ...quick, epochs: 1, backend: 'ort', outDir: join(dir, 'ort') });
    const r = resultOf(await pool.wait(id));
    expect(r.backend).toBe('ort');
    expect(progressOf(id).find((x) => x.labels?.event === 'backend')?.labels).toMatchObject({ backend: 'ort', provider: 'cpu' });
    expect(r.testAccuracy).toBeGreaterThan(0.3);
  });

  it('starts from the weights it is given (a run dir): its first loss is far below a fresh start', async () => {
    const id = pool.start('train', { ...quick, model: plain.runDir, epochs: 1, backend: 'core', outDir: join(dir, 'finetune') });
    const r = resultOf(await pool.wait(id));
    const first = progressOf(id).find((x) => x.labels?.event === 'step')?.metrics?.loss ?? NaN;
    const fresh = progressOf(events.flatMap((e) => (e.event === 'job.state' && e.payload.job.kind === 'train' ? [e.payload.job.id] : []))[0])
      .find((x) => x.labels?.event === 'step')?.metrics?.loss ?? NaN;
    expect(first).toBeLessThan(fresh * 0.7);
    expect(r.testAccuracy).toBeGreaterThanOrEqual((plain.testAccuracy ?? 0) - 0.05);
  });

  it('a diverging run fails with the reason and the run dir; bad params are refused before queueing', async () => {
    const id = pool.start('train', { ...quick, optimizer: 'sgd', lr: 1e9, epochs: 2, backend: 'core', outDir: join(dir, 'nan') });
    const rec = await pool.wait(id);
    expect(rec.state).toBe('failed');
    expect(rec.error?.message).toMatch(/train: diverged: (loss became|gradient became non-finite|weights became non-finite)/);
    expect(rec.error?.message).toContain(join(dir, 'nan'));
    expect(() => pool.start('train', { ...quick, epochs: 0 })).toThrow(/epochs/);
    const missing = await pool.wait(pool.start('train', { dataset: 'mnist', epochs: 1 }));
    expect(missing.error?.message).toMatch(/no model given/);
  });
});
