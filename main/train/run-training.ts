/**
 * One training run as the CLI (and later the app) starts it: model + data + settings in, a run
 * directory out (checkpoint, model graph with weights, metrics.json). The trainer is the core's;
 * this file supplies the clock, the checkpoint files and, for threads > 1, the parallel engine.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  Rng,
  Trainer,
  compileGraph,
  computeGradients,
  passSeed,
  graphToJson,
  inferShapes,
  initWeights,
  lossFromConfig,
  shapeToString,
  type AugmentConfig,
  type ChannelStats,
  type EpochMetrics,
  type GradientEngine,
  type ModelGraph,
  type OptimizerConfig,
  type ScheduleConfig,
  type Split,
  type TrainEvent,
  type TrainResult,
} from '../../core/index';
import { ParallelGradientEngine } from './parallel-engine';
import { CHECKPOINT_FILE, METRICS_FILE, MODEL_FILE, loadCheckpointFile, saveCheckpointFile, writeFileAtomic } from './run-dir';

export interface RunOptions {
  graph: ModelGraph;
  data: Split;
  /** How the data was named (`mnist`, `idx:<dir>`...), recorded in metrics.json. */
  dataSpec: string;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerConfig;
  schedule?: ScheduleConfig;
  seed: number;
  threads: number;
  outDir: string;
  /** The per-channel standardisation already applied to the data, recorded in metrics.json. */
  normalization?: ChannelStats;
  augment?: AugmentConfig;
  /** Continue from the run directory's checkpoint when there is one. */
  resume?: boolean;
  workerFile?: string | URL;
  onEvent?: (e: TrainEvent) => void;
  cancelled?: () => boolean;
}

export interface RunMetrics {
  model: string;
  data: string;
  status: TrainResult['status'];
  message?: string;
  epochs: EpochMetrics[];
  testAccuracy?: number;
  testLoss?: number;
  confusion?: number[][];
  imagesPerSec: number;
  seconds: number;
  threads: number;
  /** Inputs were fed as (x - mean) / std per channel; inference must do the same. */
  normalization?: ChannelStats;
  settings: { epochs: number; batchSize: number; lr: number; optimizer: OptimizerConfig; schedule?: ScheduleConfig; seed: number; augment?: AugmentConfig };
}

/** The data must fit the model: sample shape = the Input's shape, and enough output classes. */
export function checkDataFitsModel(graph: ModelGraph, data: Split): void {
  const inputs = graph.nodes.filter((n) => n.op === 'Input');
  if (inputs.length !== 1) throw new Error(`model "${graph.name}" has ${inputs.length} inputs; training needs exactly one image input`);
  const { info, errors } = inferShapes(graph, { batch: 1 });
  if (errors.length > 0) throw errors[0];
  const inShape = info.get(inputs[0].name)?.outputShape.slice(1) ?? [];
  const sample = data.train.sampleShape;
  if (shapeToString(inShape) !== shapeToString(sample)) {
    throw new Error(`model "${graph.name}" takes ${shapeToString(inShape)} inputs but the data "${data.train.name}" has ${shapeToString(sample)} samples`);
  }
  const out = info.get(graph.outputs[0])?.outputShape ?? [];
  const classes = data.train.classNames.length;
  if (out.length !== 2 || out[1] < classes) {
    throw new Error(`model "${graph.name}" outputs ${shapeToString(out)} but the data has ${classes} classes (need 1x${classes} logits)`);
  }
}

export async function runTraining(o: RunOptions): Promise<RunMetrics> {
  checkDataFitsModel(o.graph, o.data);
  let weights = initWeights(o.graph, new Rng(o.seed), { batch: 1 });
  const lossConfig = { kind: 'softmax-cross-entropy' } as const;
  let engine: ParallelGradientEngine | undefined;
  let compute: GradientEngine;
  if (o.threads > 1) {
    engine = await ParallelGradientEngine.create(o.graph, weights, { threads: o.threads, loss: lossConfig, seed: o.seed, workerFile: o.workerFile });
    weights = engine.weights;
    compute = engine;
  } else {
    // In-thread: yield to the event loop before each batch so Ctrl+C and I/O are seen.
    const cg = compileGraph(o.graph);
    const loss = lossFromConfig(lossConfig);
    compute = {
      compute: async (w, batch, step) => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        return computeGradients(cg, w, batch, { loss, seed: passSeed(o.seed, step) });
      },
    };
  }
  try {
    writeFileAtomic(join(o.outDir, MODEL_FILE), graphToJson(o.graph, undefined, { pretty: true }));
    const settings = { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, optimizer: o.optimizer, schedule: o.schedule, seed: o.seed, augment: o.augment };
    const trainer = new Trainer(o.graph, weights, o.data, settings, lossFromConfig(lossConfig), {
      now: () => performance.now(),
      sink: o.onEvent,
      cancelled: o.cancelled,
      saveCheckpoint: (cp) => saveCheckpointFile(o.outDir, cp),
      engine: compute,
    });
    if (o.resume) {
      const cp = loadCheckpointFile(o.outDir);
      if (cp) trainer.resume(cp);
      else if (existsSync(join(o.outDir, CHECKPOINT_FILE))) throw new Error(`cannot read ${CHECKPOINT_FILE}`);
    }
    const t0 = performance.now();
    const r = await trainer.run();
    const metrics: RunMetrics = {
      model: o.graph.name,
      data: o.dataSpec,
      status: r.status,
      message: r.message,
      epochs: r.history,
      testAccuracy: r.test?.accuracy,
      testLoss: r.test?.loss,
      confusion: r.test?.confusion,
      imagesPerSec: r.imagesPerSec,
      seconds: (performance.now() - t0) / 1000,
      threads: o.threads,
      normalization: o.normalization,
      settings,
    };
    if (r.status === 'completed') writeFileAtomic(join(o.outDir, MODEL_FILE), graphToJson(o.graph, weights, { pretty: false }));
    writeFileAtomic(join(o.outDir, METRICS_FILE), JSON.stringify(metrics, null, 2));
    return metrics;
  } finally {
    await engine?.close();
  }
}
