/**
 * `train`: one training run in a pool worker, through the same code as `convlab train`
 * (main/train/ort-backend-run.ts: the core Trainer or the ORT training backend, with the fallback
 * reason). Progress events carry labels.event = 'backend' | 'start' | 'step' | 'epoch' | 'done'
 * and the numbers the dashboard charts (loss, accuracy, val metrics, images/s, ETA). Pausable:
 * the loop asks ctx.pausePoint() before every batch, so a paused run keeps its weights and
 * optimizer state in memory and continues exactly where it stopped. Weights given with the graph
 * are the starting point (written as a step-0 checkpoint the run resumes from). The run directory
 * gets checkpoint.clck, model.json (graph + trained weights) and metrics.json; a diverged (NaN) or
 * failed run fails the job with the reason and keeps the last good checkpoint there.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { CHECKPOINT_VERSION, Rng, subset, type OptimizerConfig, type Split, type TrainEvent } from '../../../core/index';
import { loadDataSource } from '../../data/sources';
import { runsDir } from '../../projects/paths';
import { CHECKPOINT_FILE, MODEL_FILE, saveCheckpointFile } from '../../train/run-dir';
import { runTrainingOn, type BackendRunMetrics } from '../../train/ort-backend-run';
import { defineJob, JobCancelled, type JobContext } from '../job';
import { modelInput, readModelInput } from './model-input';

const DEFAULT_LR = { sgd: 0.05, adam: 0.001, adamw: 0.001 } as const;

export const trainParams = z.strictObject({
  ...modelInput,
  /** mnist | idx:<dir> | cifar:<dir> | folder:<dir> */
  dataset: z.string().min(1).default('mnist'),
  optimizer: z.enum(['sgd', 'adam', 'adamw']).default('adam'),
  /** Default 0.05 for sgd (momentum 0.9), 0.001 for adam/adamw. */
  lr: z.number().positive().optional(),
  schedule: z.enum(['constant', 'cosine']).default('constant'),
  epochs: z.int().min(1).max(10_000).default(3),
  batchSize: z.int().min(1).max(65_536).default(64),
  backend: z.enum(['core', 'ort', 'auto']).default('auto'),
  seed: z.int().default(1),
  /** Train on the first N training images only; validation/test keep evalSubset (default: N, capped by the split). */
  subset: z.int().min(1).optional(),
  evalSubset: z.int().min(1).optional(),
  /** Data-parallel threads inside this job (core backend) or ORT intra-op threads. */
  threads: z.int().min(1).max(64).default(1),
  /** Absolute run directory; default <runs>/<model>-<time>-<random>. */
  outDir: z.string().min(1).optional(),
  /** At most one step event per this many ms (epoch/backend/done events are never dropped). */
  progressEveryMs: z.int().min(0).default(100),
});

export type TrainParams = z.output<typeof trainParams>;

export interface TrainJobResult extends Omit<BackendRunMetrics, 'settings'> {
  runDir: string;
  modelFile: string;
  checkpointFile?: string;
  dataset: string;
  classNames: string[];
  sizes: { train: number; val: number; test: number };
  settings: BackendRunMetrics['settings'];
}

function optimizerOf(kind: TrainParams['optimizer']): OptimizerConfig {
  if (kind === 'sgd') return { kind: 'sgd', momentum: 0.9 };
  if (kind === 'adam') return { kind: 'adam' };
  return { kind: 'adamw', weightDecay: 0.01 };
}

function firstN(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

export function dataFor(p: Pick<TrainParams, 'dataset' | 'subset' | 'evalSubset'>): Split {
  const full = loadDataSource(p.dataset);
  if (p.subset === undefined) return full;
  const ev = p.evalSubset ?? p.subset;
  const cut = (ds: Split['train'], n: number): Split['train'] => (n >= ds.length ? ds : subset(ds, firstN(n), `${ds.name}[:${n}]`));
  return { train: cut(full.train, p.subset), val: cut(full.val, ev), test: cut(full.test, ev) };
}

function reporter(ctx: JobContext, p: TrainParams, pausedMs: () => number): (e: TrainEvent) => void {
  let total = 0;
  let startedAt = 0;
  let startStep = 0;
  let lastSent = -Infinity;
  let stepsPerEpoch = 1;
  return (e) => {
    const now = performance.now();
    if (e.type === 'start') {
      stepsPerEpoch = e.batchesPerEpoch;
      total = e.epochs * e.batchesPerEpoch;
      startedAt = now - pausedMs();
      startStep = e.resumedAtStep;
      ctx.progress(e.resumedAtStep, total, `training ${e.trainSize} images, ${e.batchesPerEpoch} batches per epoch`, { trainSize: e.trainSize, batchesPerEpoch: e.batchesPerEpoch }, { event: 'start' });
    } else if (e.type === 'step') {
      const last = e.step === total;
      if (!last && now - lastSent < p.progressEveryMs) return;
      lastSent = now;
      const seconds = Math.max(1e-9, (now - pausedMs() - startedAt) / 1000);
      const stepsDone = e.step - startStep;
      const imagesPerSec = (stepsDone * p.batchSize) / seconds;
      const etaSeconds = stepsDone > 0 ? ((total - e.step) * seconds) / stepsDone : 0;
      ctx.progress(e.step, total, `epoch ${e.epoch + 1}/${p.epochs}, batch ${e.batch}/${e.batches}`, { epoch: e.epoch + 1, batch: e.batch, batches: e.batches, step: e.step, loss: e.loss, lr: e.lr, imagesPerSec, etaSeconds }, { event: 'step' });
    } else if (e.type === 'epoch') {
      const m: Record<string, number> = { epoch: e.epoch, trainLoss: e.trainLoss, trainAccuracy: e.trainAccuracy, lr: e.lr, seconds: e.seconds, imagesPerSec: e.imagesPerSec };
      if (e.valLoss !== undefined) m.valLoss = e.valLoss;
      if (e.valAccuracy !== undefined) m.valAccuracy = e.valAccuracy;
      ctx.progress(e.epoch * stepsPerEpoch, total, `epoch ${e.epoch}/${p.epochs} done`, m, { event: 'epoch' });
    } else if (e.type === 'done') {
      const m: Record<string, number> = {};
      if (e.test) Object.assign(m, { testLoss: e.test.loss, testAccuracy: e.test.accuracy });
      ctx.progress(total, total, 'training done', m, { event: 'done' });
    } else if (e.type === 'stopped') {
      ctx.log(`train: stopped: ${e.message}`, e.reason === 'diverged' ? 'error' : 'info');
    } else if (e.type === 'checkpoint') {
      ctx.log(`train: checkpoint at step ${e.step}`);
    }
  };
}

export const trainJob = defineJob({
  kind: 'train',
  summary: 'Trains a model on a dataset (core or ONNX Runtime backend), streaming per-step and per-epoch metrics; pausable.',
  params: trainParams,
  pausable: true,
  async run(p, ctx): Promise<TrainJobResult> {
    const { graph, weights } = readModelInput(p, 'train');
    const data = dataFor(p);
    const optimizer = optimizerOf(p.optimizer);
    const lr = p.lr ?? DEFAULT_LR[p.optimizer];
    const outDir = p.outDir ?? join(runsDir(), `${graph.name}-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`);
    if (!isAbsolute(outDir)) throw new Error(`train: outDir must be an absolute path, got "${outDir}"`);
    const batches = Math.ceil(data.train.length / p.batchSize);
    const schedule = p.schedule === 'cosine' ? { kind: 'cosine' as const, totalSteps: p.epochs * batches, minLr: lr / 100 } : undefined;
    if (weights) {
      // Start from the given weights: a step-0 checkpoint the run resumes from (both backends read it).
      saveCheckpointFile(outDir, {
        version: CHECKPOINT_VERSION, graphName: graph.name, epoch: 0, batchInEpoch: 0, step: 0, seed: p.seed,
        epochRngState: new Rng(p.seed).getState(), weights, optimizer: { kind: optimizer.kind, t: 0, slots: {} },
        history: [], progress: { lossSum: 0, correct: 0, count: 0, seconds: 0 },
      });
    }
    let paused = 0;
    ctx.log(`train: ${graph.name} on ${p.dataset} (${data.train.length} train / ${data.val.length} val / ${data.test.length} test), ${p.epochs} epoch(s), batch ${p.batchSize}, ${p.optimizer} lr ${lr}, run dir ${outDir}`);
    const m = await runTrainingOn({
      backend: p.backend,
      graph,
      data,
      dataSpec: p.dataset,
      epochs: p.epochs,
      batchSize: p.batchSize,
      lr,
      optimizer,
      schedule,
      seed: p.seed,
      threads: p.threads,
      outDir,
      resume: weights !== undefined,
      onBackend: (b) => {
        const labels: Record<string, string> = { event: 'backend', backend: b.backend };
        if (b.reason) labels.fallbackReason = b.reason;
        if (b.provider) labels.provider = b.provider;
        ctx.log(b.backend === 'ort' ? `train: backend ort (${b.provider}, ${b.threads} thread(s))` : `train: backend core${b.reason ? ` (ONNX Runtime cannot train this model: ${b.reason})` : ''}`);
        ctx.progress(0, p.epochs * batches, `backend ${b.backend}`, { threads: b.threads }, labels);
      },
      onEvent: reporter(ctx, p, () => paused),
      cancelled: () => {
        const t0 = performance.now();
        ctx.pausePoint();
        paused += performance.now() - t0;
        return ctx.isCancelled();
      },
    });
    const checkpoint = join(outDir, CHECKPOINT_FILE);
    if (m.status === 'cancelled') throw new JobCancelled();
    if (m.status !== 'completed') {
      const kept = existsSync(checkpoint) ? `the last good checkpoint is ${checkpoint}` : 'no checkpoint was saved';
      throw new Error(`train: ${m.status}: ${m.message ?? 'no reason given'} (run dir ${outDir}; ${kept})`);
    }
    return {
      ...m,
      runDir: outDir,
      modelFile: join(outDir, MODEL_FILE),
      checkpointFile: existsSync(checkpoint) ? checkpoint : undefined,
      dataset: p.dataset,
      classNames: [...data.train.classNames],
      sizes: { train: data.train.length, val: data.val.length, test: data.test.length },
    };
  },
});
