/**
 * The step-based training loop. It has no clock, I/O or threads of its own: time, progress,
 * cancellation, checkpoint storage and the gradient computation come in through `TrainerEnv`
 * (main/ supplies real ones, tests supply fakes). Events are plain data.
 *
 * Reproducibility: the data order comes from one seeded RNG whose state at the start of each
 * epoch is checkpointed; dropout masks come from passSeed(seed, step, shard). A run resumed
 * from any checkpoint therefore produces the same weights, bit for bit, as an uninterrupted one.
 */
import type { ModelGraph, Weights } from '../graph/types';
import { Rng } from '../tensor/rng';
import { batchCount, gatherBatch, shuffledOrder, type Batch, type Dataset } from '../data/dataset';
import { augmentBatch, type AugmentConfig } from '../data/augment';
import { compileGraph, type CompiledGraph, type OpResolver } from './autograd';
import { CHECKPOINT_VERSION, cloneWeights, copyWeightsInto, type Checkpoint, type EpochMetrics } from './checkpoint';
import {
  applyStateUpdate,
  computeGradients,
  evaluate,
  firstNonFinite,
  passSeed,
  type EvalResult,
  type GradientResult,
  type LossFn,
} from './gradients';
import { createOptimizer, type Optimizer, type OptimizerConfig } from './optimizers';
import { checkSchedule, learningRate, type ScheduleConfig } from './schedules';

/** passSeed shard id of the augmentation stream (apart from the dropout streams 0..threads-1). */
export const AUGMENT_STREAM = 0x4155;

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  optimizer: OptimizerConfig;
  schedule?: ScheduleConfig;
  /** Also checkpoint every this many optimizer steps (epoch ends always checkpoint). */
  checkpointEverySteps?: number;
  evalBatchSize?: number;
  /** Training-batch augmentation, seeded per step (so resumed runs stay exact). */
  augment?: AugmentConfig;
}

export interface TrainData {
  train: Dataset;
  val?: Dataset;
  test?: Dataset;
}

export type TrainEvent =
  | { type: 'start'; epochs: number; batchesPerEpoch: number; trainSize: number; resumedAtStep: number }
  | { type: 'step'; epoch: number; batch: number; batches: number; step: number; loss: number; lr: number }
  | ({ type: 'epoch' } & EpochMetrics)
  | { type: 'checkpoint'; epoch: number; step: number }
  | { type: 'stopped'; reason: 'diverged' | 'cancelled'; step: number; message: string }
  | { type: 'done'; test?: { loss: number; accuracy: number; confusion: number[][] } };

/** Computes the gradient of one batch; main/ may spread it over worker threads. */
export interface GradientEngine {
  compute(weights: Weights, batch: Batch, step: number): GradientResult | Promise<GradientResult>;
}

export interface TrainerEnv {
  /** Milliseconds; only differences are used. Default: a clock that never moves. */
  now?: () => number;
  sink?: (event: TrainEvent) => void;
  cancelled?: () => boolean;
  saveCheckpoint?: (cp: Checkpoint) => void | Promise<void>;
  engine?: GradientEngine;
  ops?: OpResolver;
}

export interface TrainResult {
  status: 'completed' | 'cancelled' | 'diverged';
  message?: string;
  history: EpochMetrics[];
  test?: EvalResult;
  /** Step of the last checkpoint handed to saveCheckpoint (-1 when none). */
  lastCheckpointStep: number;
  /** Training images per second over the whole run (0 without a clock). */
  imagesPerSec: number;
}

function checkConfig(c: TrainConfig, train: Dataset): void {
  const posInt = (v: number, what: string): void => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`train: ${what} must be a positive integer, got ${v}`);
  };
  posInt(c.epochs, 'epochs');
  posInt(c.batchSize, 'batch size');
  if (!(c.lr > 0) || !Number.isFinite(c.lr)) throw new Error(`train: learning rate must be a positive number, got ${c.lr}`);
  if (c.checkpointEverySteps !== undefined) posInt(c.checkpointEverySteps, 'checkpointEverySteps');
  if (c.schedule) checkSchedule(c.schedule);
  if (train.length === 0) throw new Error(`train: the training set "${train.name}" is empty`);
}

export class Trainer {
  readonly cg: CompiledGraph;
  readonly optimizer: Optimizer;
  private readonly engine: GradientEngine;
  private readonly dataRng: Rng;
  private epoch = 0;
  private batchInEpoch = 0;
  private step = 0;
  private epochRngState: number;
  private history: EpochMetrics[] = [];
  private progress = { lossSum: 0, correct: 0, count: 0, seconds: 0 };
  private lastCheckpointStep = -1;

  constructor(
    graph: ModelGraph,
    /** Updated in place (so shared buffers stay shared). */
    readonly weights: Weights,
    private readonly data: TrainData,
    readonly config: TrainConfig,
    readonly loss: LossFn,
    private readonly env: TrainerEnv = {},
  ) {
    checkConfig(config, data.train);
    this.cg = compileGraph(graph, env.ops);
    this.optimizer = createOptimizer(config.optimizer);
    this.dataRng = new Rng(config.seed);
    this.epochRngState = this.dataRng.getState();
    const cg = this.cg;
    this.engine = env.engine ?? {
      compute: (w, batch, step) => computeGradients(cg, w, batch, { loss, seed: passSeed(config.seed, step) }),
    };
  }

  /** Continue from a checkpoint of the same model and seed. */
  resume(cp: Checkpoint): void {
    if (cp.graphName !== this.cg.graph.name) throw new Error(`resume: checkpoint is for model "${cp.graphName}", not "${this.cg.graph.name}"`);
    if (cp.seed !== this.config.seed) throw new Error(`resume: checkpoint was made with seed ${cp.seed}, this run uses ${this.config.seed}`);
    copyWeightsInto(this.weights, cp.weights);
    this.optimizer.setState(cp.optimizer);
    this.epoch = cp.epoch;
    this.batchInEpoch = cp.batchInEpoch;
    this.step = cp.step;
    this.epochRngState = cp.epochRngState;
    this.history = cp.history.map((h) => ({ ...h }));
    this.progress = { ...cp.progress };
    this.lastCheckpointStep = cp.step;
  }

  checkpoint(): Checkpoint {
    return {
      version: CHECKPOINT_VERSION,
      graphName: this.cg.graph.name,
      epoch: this.epoch,
      batchInEpoch: this.batchInEpoch,
      step: this.step,
      seed: this.config.seed,
      epochRngState: this.epochRngState,
      weights: cloneWeights(this.weights),
      optimizer: this.optimizer.getState(),
      history: this.history.map((h) => ({ ...h })),
      progress: { ...this.progress },
    };
  }

  private emit(e: TrainEvent): void {
    this.env.sink?.(e);
  }

  private async save(): Promise<void> {
    if (!this.env.saveCheckpoint) return;
    await this.env.saveCheckpoint(this.checkpoint());
    this.lastCheckpointStep = this.step;
    this.emit({ type: 'checkpoint', epoch: this.epoch, step: this.step });
  }

  private result(status: TrainResult['status'], message?: string, test?: EvalResult): TrainResult {
    const seconds = this.history.reduce((s, h) => s + h.seconds, 0) + this.progress.seconds;
    const images = this.history.reduce((s, h) => s + h.imagesPerSec * h.seconds, 0) + this.progress.count;
    return {
      status,
      message,
      history: this.history.map((h) => ({ ...h })),
      test,
      lastCheckpointStep: this.lastCheckpointStep,
      imagesPerSec: seconds > 0 ? images / seconds : 0,
    };
  }

  private stop(reason: 'diverged' | 'cancelled', message: string): TrainResult {
    this.emit({ type: 'stopped', reason, step: this.step, message });
    return this.result(reason, message);
  }

  async run(): Promise<TrainResult> {
    const { train, val, test } = this.data;
    const { batchSize, epochs } = this.config;
    const now = this.env.now ?? (() => 0);
    const batches = batchCount(train.length, batchSize);
    this.emit({ type: 'start', epochs, batchesPerEpoch: batches, trainSize: train.length, resumedAtStep: this.step });
    while (this.epoch < epochs) {
      this.dataRng.setState(this.epochRngState);
      const order = shuffledOrder(train.length, this.dataRng);
      for (; this.batchInEpoch < batches; ) {
        if (this.env.cancelled?.()) return this.stop('cancelled', `cancelled at step ${this.step} (epoch ${this.epoch + 1}, batch ${this.batchInEpoch + 1})`);
        const t0 = now();
        const batch = gatherBatch(train, order, this.batchInEpoch * batchSize, (this.batchInEpoch + 1) * batchSize);
        if (this.config.augment) batch.x = augmentBatch(batch.x, this.config.augment, new Rng(passSeed(this.config.seed, this.step, AUGMENT_STREAM)));
        const lr = this.config.schedule ? learningRate(this.config.schedule, this.config.lr, this.step) : this.config.lr;
        const r = await this.engine.compute(this.weights, batch, this.step);
        const where = `step ${this.step + 1} (epoch ${this.epoch + 1}, batch ${this.batchInEpoch + 1})`;
        const keep = this.lastCheckpointStep >= 0 ? `; kept the last good checkpoint (step ${this.lastCheckpointStep})` : '; no checkpoint was saved yet';
        if (!Number.isFinite(r.loss)) return this.stop('diverged', `loss became ${r.loss} at ${where}${keep}`);
        const badGrad = firstNonFinite(r.grads);
        if (badGrad) return this.stop('diverged', `gradient became non-finite at ${where}: ${badGrad}${keep}`);
        this.optimizer.step(this.weights, r.grads, lr);
        applyStateUpdate(this.weights, r.state);
        const badWeight = firstNonFinite(this.weights);
        if (badWeight) return this.stop('diverged', `weights became non-finite after ${where}: ${badWeight}${keep}`);
        this.step++;
        this.batchInEpoch++;
        this.progress.lossSum += r.loss * r.count;
        this.progress.correct += r.correct;
        this.progress.count += r.count;
        this.progress.seconds += (now() - t0) / 1000;
        this.emit({ type: 'step', epoch: this.epoch, batch: this.batchInEpoch, batches, step: this.step, loss: r.loss, lr });
        const every = this.config.checkpointEverySteps;
        if (every && this.step % every === 0 && this.batchInEpoch < batches) await this.save();
      }
      const v = val && val.length > 0 ? evaluate(this.cg, this.weights, val, this.loss, this.config.evalBatchSize) : undefined;
      const p = this.progress;
      const lr = this.config.schedule ? learningRate(this.config.schedule, this.config.lr, Math.max(0, this.step - 1)) : this.config.lr;
      const metrics: EpochMetrics = {
        epoch: this.epoch + 1,
        trainLoss: p.lossSum / Math.max(1, p.count),
        trainAccuracy: p.correct / Math.max(1, p.count),
        valLoss: v?.loss,
        valAccuracy: v?.accuracy,
        lr,
        seconds: p.seconds,
        imagesPerSec: p.seconds > 0 ? p.count / p.seconds : 0,
      };
      this.history.push(metrics);
      this.emit({ type: 'epoch', ...metrics });
      this.epoch++;
      this.batchInEpoch = 0;
      this.progress = { lossSum: 0, correct: 0, count: 0, seconds: 0 };
      this.epochRngState = this.dataRng.getState();
      await this.save();
    }
    const t = test && test.length > 0 ? evaluate(this.cg, this.weights, test, this.loss, this.config.evalBatchSize) : undefined;
    this.emit({ type: 'done', test: t ? { loss: t.loss, accuracy: t.accuracy, confusion: t.confusion } : undefined });
    return this.result('completed', undefined, t);
  }
}
