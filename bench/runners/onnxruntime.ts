/**
 * ONNX Runtime rows. `convlab-ort` infers through ConvLab's path (export from the core graph, the
 * one adapter in main/ort, outputs copied back across the boundary); `ort-bare` is the reference:
 * a bare onnxruntime-node InferenceSession.run loop on the same bytes with the same thread count.
 * This file is the benchmark's deliberate second importer of onnxruntime-node: measuring the bare
 * library is its purpose, and nothing in the app uses it.
 */
import * as ort from 'onnxruntime-node';
import { Rng, buildTemplate, encodeModel, exportOnnx, initWeights } from '../../core/index';
import { createSession, ortInfo, releaseSession, runFloat } from '../../main/ort/adapter';
import { measure, syntheticBatch } from '../measure';
import type { BenchContext, BenchRow, ModelName, Runner, RunnerResult } from '../types';

/** Why convlab-ort has no training rows yet (null once the ORT training backend exists). */
export const ORT_TRAINING_MISSING = 'the ORT training-step backend (issue 5 item 3) is not in the tree yet';

function exported(model: ModelName): { bytes: Uint8Array; input: string; output: string } {
  const graph = buildTemplate(model);
  const ex = exportOnnx(graph, initWeights(graph, new Rng(1), { batch: 1 }), { opset: 17 });
  return { bytes: encodeModel(ex.model), input: ex.inputs[0].name, output: ex.outputs[0].name };
}

export function convlabOrtRunner(): Runner {
  return {
    system: 'convlab-ort',
    async available() {
      return null;
    },
    async run(model: ModelName, ctx: BenchContext): Promise<RunnerResult> {
      const { bytes, input, output } = exported(model);
      const session = await createSession(bytes, { provider: 'cpu', intraOpThreads: ctx.threads });
      const rows: BenchRow[] = [];
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
      return { rows, skipped: [{ system: 'convlab-ort', model, mode: 'train', reason: ORT_TRAINING_MISSING }] };
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
