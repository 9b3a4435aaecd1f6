/**
 * ConvLab's pure-TypeScript core: training (forward, loss, backward, SGD with momentum) on one
 * thread and data-parallel over worker threads (the engine `convlab train` uses), and inference
 * in eval mode on one thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  Rng,
  Tensor,
  applyStateUpdate,
  buildTemplate,
  compileGraph,
  computeGradients,
  createOptimizer,
  initWeights,
  lossFromConfig,
  outputOf,
  passSeed,
  runForward,
  singleFeed,
  type GradientResult,
  type Weights,
} from '../../core/index';
import { ParallelGradientEngine } from '../../main/train/parallel-engine';
import { measure, syntheticBatch } from '../measure';
import type { BenchContext, BenchRow, ModelName, Runner, RunnerResult } from '../types';

export interface CoreRunnerOptions {
  /** The built train-worker bundle for the data-parallel rows; default: next to the running bundle. */
  workerFile?: string | URL;
}

const LR = 0.01;

function workerPath(file: string | URL): string {
  return typeof file === 'string' ? file : fileURLToPath(file);
}

export function coreRunner(opts: CoreRunnerOptions = {}): Runner {
  const workerFile = opts.workerFile ?? new URL('./train-worker.js', import.meta.url);
  return {
    system: 'convlab-core',
    async available() {
      return null;
    },
    async run(model: ModelName, ctx: BenchContext): Promise<RunnerResult> {
      const graph = buildTemplate(model);
      const loss = lossFromConfig({ kind: 'softmax-cross-entropy' });
      const cg = compileGraph(graph);
      const rows: BenchRow[] = [];
      const skipped: RunnerResult['skipped'] = [];
      const data = syntheticBatch(model, ctx.batch);
      const batch = { x: new Tensor(data.shape, data.x), y: data.labels };

      const trainWith = async (weights: Weights, compute: (w: Weights, step: number) => GradientResult | Promise<GradientResult>, threads: number): Promise<BenchRow> => {
        const opt = createOptimizer({ kind: 'sgd', momentum: 0.9 });
        let step = 0;
        return measure({ model, system: 'convlab-core', mode: 'train', batch: ctx.batch, threads }, async () => {
          const r = await compute(weights, step++);
          opt.step(weights, r.grads, LR);
          applyStateUpdate(weights, r.state);
        }, ctx);
      };

      const w1 = initWeights(graph, new Rng(1), { batch: 1 });
      rows.push(await trainWith(w1, (w, step) => computeGradients(cg, w, batch, { loss, seed: passSeed(1, step) }), 1));

      if (ctx.threads > 1) {
        const path = workerPath(workerFile);
        if (!existsSync(path)) {
          skipped.push({ system: 'convlab-core', model, mode: 'train', reason: `data-parallel row: ${path} is not built (npm run build)` });
        } else {
          const engine = await ParallelGradientEngine.create(graph, initWeights(graph, new Rng(1), { batch: 1 }), {
            threads: ctx.threads,
            loss: { kind: 'softmax-cross-entropy' },
            seed: 1,
            workerFile,
          });
          try {
            rows.push(await trainWith(engine.weights, (w, step) => engine.compute(w, batch, step), ctx.threads));
          } finally {
            await engine.close();
          }
        }
      }

      const rng = new Rng(0);
      const infer = (x: Tensor) => () => {
        const out = outputOf(cg, runForward(cg, w1, singleFeed(cg, x), { training: false, rng }));
        if (out.shape[0] !== x.shape[0]) throw new Error(`convlab-core ${model}: ${out.shape[0]} outputs for ${x.shape[0]} inputs`);
      };
      rows.push(await measure({ model, system: 'convlab-core', mode: 'infer', batch: ctx.batch, threads: 1 }, infer(batch.x), ctx));
      const one = syntheticBatch(model, 1, 2);
      rows.push(await measure({ model, system: 'convlab-core', mode: 'infer', batch: 1, threads: 1, latency: true }, infer(new Tensor(one.shape, one.x)), ctx));
      return { rows, skipped };
    },
  };
}
