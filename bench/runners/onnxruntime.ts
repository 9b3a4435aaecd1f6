/**
 * ONNX Runtime rows. `convlab-ort` infers through ConvLab's path (export from the core graph, the
 * one adapter in main/ort, outputs copied back across the boundary); `ort-bare` is the reference:
 * a bare onnxruntime-node InferenceSession.run loop on the same bytes with the same thread count.
 * This file is the benchmark's deliberate second importer of onnxruntime-node: measuring the bare
 * library is its purpose, and nothing in the app uses it.
 */
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng, Tensor, buildTemplate, encodeModel, exportOnnx, initWeights } from '../../core/index';
import { compileTrainGraph, dropoutMasks, trainGraphSupport } from '../../core/onnx/train-graph';
import { createSession, ortInfo, releaseSession, runFloat } from '../../main/ort/adapter';
import { OrtTrainEngine } from '../../main/train/ort-backend';
import { measure, syntheticBatch } from '../measure';
import type { BenchContext, BenchRow, ModelName, Runner, RunnerResult } from '../types';

export interface OrtRunnerOptions {
  /** The built ORT training worker; default: ort-train-worker.js next to the running bundle. */
  trainWorkerFile?: string | URL;
}

const LR = 0.01;

/**
 * ConvLab's ORT training backend as `convlab train --backend ort` runs it: the compiled
 * training-step graph (SGD, momentum 0.9) in a worker-owned session, one step per batch, the loss
 * and logits sent back, params and optimizer state kept in the session.
 */
async function ortTrainRow(model: ModelName, ctx: BenchContext, workerFile: string | URL): Promise<BenchRow> {
  const graph = buildTemplate(model);
  const compiled = compileTrainGraph(graph, { optimizer: { kind: 'sgd', momentum: 0.9 } });
  const weights = initWeights(graph, new Rng(1), { batch: 1 });
  const engine = await OrtTrainEngine.start(compiled, weights, { kind: 'sgd', t: 0, slots: {} }, { intraOpThreads: ctx.threads, workerFile });
  try {
    const data = syntheticBatch(model, ctx.batch);
    const x = new Tensor(data.shape, data.x);
    let t = 0;
    return await measure({ model, system: 'convlab-ort', mode: 'train', batch: ctx.batch, threads: engine.intraOpThreads || ctx.threads }, async () => {
      t++;
      const out = await engine.step(x, data.labels, LR, t, dropoutMasks(compiled, ctx.batch, t));
      if (!Number.isFinite(out.loss)) throw new Error(`convlab-ort ${model}: loss ${out.loss} at step ${t}`);
    }, ctx);
  } finally {
    await engine.close();
  }
}

function exported(model: ModelName): { bytes: Uint8Array; input: string; output: string } {
  const graph = buildTemplate(model);
  const ex = exportOnnx(graph, initWeights(graph, new Rng(1), { batch: 1 }), { opset: 17 });
  return { bytes: encodeModel(ex.model), input: ex.inputs[0].name, output: ex.outputs[0].name };
}

export function convlabOrtRunner(opts: OrtRunnerOptions = {}): Runner {
  const trainWorker = opts.trainWorkerFile ?? new URL('./ort-train-worker.js', import.meta.url);
  return {
    system: 'convlab-ort',
    async available() {
      return null;
    },
    async run(model: ModelName, ctx: BenchContext): Promise<RunnerResult> {
      const rows: BenchRow[] = [];
      const skipped: RunnerResult['skipped'] = [];
      const workerPath = typeof trainWorker === 'string' ? trainWorker : fileURLToPath(trainWorker);
      const unsupported = trainGraphSupport(buildTemplate(model), { optimizer: { kind: 'sgd', momentum: 0.9 } });
      if (unsupported) skipped.push({ system: 'convlab-ort', model, mode: 'train', reason: `no training graph: ${unsupported.message}` });
      else if (!existsSync(workerPath)) skipped.push({ system: 'convlab-ort', model, mode: 'train', reason: `${workerPath} is not built (npm run build)` });
      else rows.push(await ortTrainRow(model, ctx, trainWorker));
      const { bytes, input, output } = exported(model);
      const session = await createSession(bytes, { provider: 'cpu', intraOpThreads: ctx.threads });
      try {
        for (const batch of [ctx.batch, 1]) {
          const data = syntheticBatch(model, batch, batch === 1 ? 2 : 1);
          const feed = { [input]: { shape: [...data.shape], data: data.x } };
          rows.push(
            await measure({ model, system: 'convlab-ort', mode: 'infer', batch, threads: ctx.threads, latency: batch === 1 }, async () => {
              const out = await runFloat(session, feed);
              if (out[output].shape[0] !== batch) throw new Error(`convlab-ort ${model}: wrong output batch`);
            }, ctx),
          );
        }
      } finally {
        await releaseSession(session);
      }
      return { rows, skipped };
    },
  };
}

export function bareOrtRunner(): Runner {
  return {
    system: 'ort-bare',
    async available() {
      return null;
    },
    async run(model: ModelName, ctx: BenchContext): Promise<RunnerResult> {
      const { bytes, input } = exported(model);
      const session = await ort.InferenceSession.create(bytes, {
        executionProviders: ['cpu'],
        intraOpNumThreads: ctx.threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        logSeverityLevel: 3,
      });
      const rows: BenchRow[] = [];
      try {
        for (const batch of [ctx.batch, 1]) {
          const data = syntheticBatch(model, batch, batch === 1 ? 2 : 1);
          const feed = { [input]: new ort.Tensor('float32', data.x, [...data.shape]) };
          rows.push(
            await measure({ model, system: 'ort-bare', mode: 'infer', batch, threads: ctx.threads, latency: batch === 1 }, async () => {
              await session.run(feed);
            }, ctx),
          );
        }
      } finally {
        await session.release();
      }
      return { rows, skipped: [] };
    },
  };
}

export function ortVersion(): string {
  return ortInfo().version;
}
