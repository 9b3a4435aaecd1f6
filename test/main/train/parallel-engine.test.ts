import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, Tensor, Trainer, compileGraph, computeGradients, initWeights, lossFromConfig, passSeed, splitDataset, type Weights } from '../../../core/index';
import { ParallelGradientEngine, shardBounds } from '../../../main/train/parallel-engine';
import { blobs, graphOf, mlp, node } from '../../core/train/helpers';
import { buildTrainWorker } from '../helpers/worker-bundle';

let workerFile = '';
beforeAll(async () => {
  workerFile = await buildTrainWorker();
}, 120_000);

const loss = { kind: 'softmax-cross-entropy' } as const;

function flat(w: Weights): number[] {
  return Object.keys(w)
    .sort()
    .flatMap((n) => Object.keys(w[n]).sort().flatMap((p) => Array.from(w[n][p].data)));
}

describe('data-parallel training', () => {
  const engines: ParallelGradientEngine[] = [];
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
  });

  it('shards cover the batch contiguously with sizes within one', () => {
    expect(shardBounds(10, 3)).toEqual([[0, 3], [3, 6], [6, 10]]);
    expect(shardBounds(2, 3)).toEqual([[0, 1], [1, 2]]);
  });

  it('3 threads: summed shard gradients equal the same shards computed in one thread (BatchNorm per shard)', async () => {
    const g = graphOf(
      'two-branch',
      [
        node('x', 'Input', [], { shape: [1, 2, 2] }),
        node('flat', 'Flatten', ['x']),
        node('fc1', 'Dense', ['flat'], { units: 6 }),
        node('bn', 'BatchNorm', ['fc1']),
        node('act', 'Tanh', ['bn']),
        node('fc2', 'Dense', ['act'], { units: 3 }),
      ],
      ['fc2'],
    );
    const weights = initWeights(g, new Rng(2), { batch: 1 });
    const engine = await ParallelGradientEngine.create(g, weights, { threads: 3, loss, seed: 9, workerFile });
    engines.push(engine);
    const rng = new Rng(4);
    const x = Tensor.from([12, 1, 2, 2], Array.from({ length: 48 }, () => rng.normal()));
    const y = Int32Array.from({ length: 12 }, (_, i) => i % 3);
    const par = await engine.compute(engine.weights, { x, y }, 0);
    // Per-shard BatchNorm: compare with the same three shards computed in one thread.
    const cg = compileGraph(g);
    const lf = lossFromConfig(loss);
    const ref = shardBounds(12, 3).map(([a, b], k) =>
      computeGradients(cg, weights, { x: new Tensor([b - a, 1, 2, 2], x.data.slice(a * 4, b * 4)), y: y.slice(a, b) }, { loss: lf, seed: passSeed(9, 0, k), scale: (b - a) / 12 }),
    );
    for (const [n, rec] of Object.entries(par.grads)) {
      for (const [p, t] of Object.entries(rec)) {
        const want = ref.reduce((acc, r) => acc.map((v, i) => v + r.grads[n][p].data[i]), new Array<number>(t.size).fill(0));
        t.data.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
      }
    }
    expect(Object.keys(par.grads).sort()).toEqual(['bn', 'fc1', 'fc2']);
    expect(par.grads.bn.runningMean).toBeUndefined();
    expect(par.count).toBe(12);
    expect(par.state.bn.runningMean.size).toBe(6);
    // busy-time figures: one step, each worker reported its own compute time
    expect(engine.stats.steps).toBe(1);
    expect(engine.stats.workerMs).toHaveLength(2);
    for (const ms of engine.stats.workerMs) expect(ms).toBeGreaterThan(0);
    expect(engine.stats.stepMs).toBeGreaterThanOrEqual(engine.stats.localMs);
  });

  it('training with 2 threads matches single-threaded training within float tolerance', async () => {
    const g = mlp(16, 3);
    const data = splitDataset(blobs(96, 3), { val: 0, test: 16 }, 1);
    const config = { epochs: 3, batchSize: 16, lr: 0.05, seed: 3, optimizer: { kind: 'sgd', momentum: 0.9 } } as const;
    const lf = lossFromConfig(loss);
    const single = new Trainer(g, initWeights(g, new Rng(5), { batch: 1 }), data, config, lf);
    const r1 = await single.run();
    const engine = await ParallelGradientEngine.create(g, initWeights(g, new Rng(5), { batch: 1 }), { threads: 2, loss, seed: 3, workerFile });
    engines.push(engine);
    const parallel = new Trainer(g, engine.weights, data, config, lf, { engine });
    const r2 = await parallel.run();
    const a = flat(single.weights);
    const b = flat(parallel.weights);
    expect(b.length).toBe(a.length);
    let maxDiff = 0;
    a.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - b[i]))));
    expect(maxDiff).toBeLessThan(1e-4);
    r1.history.forEach((h, i) => expect(r2.history[i].trainLoss).toBeCloseTo(h.trainLoss, 4));
    expect(r2.test?.accuracy).toBe(r1.test?.accuracy);
  });
});
