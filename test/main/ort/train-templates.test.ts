/**
 * One training step of the three benchmark templates on ONNX Runtime equals the core's: loss,
 * every gradient (debug outputs) and every updated param incl. BatchNorm running stats, batch 8.
 * Tolerance 1e-4 normwise per tensor; see train-units.test.ts for why. Measured: <= ~2e-6.
 *
 * Adam's first step is lr * g / (|g| + eps) per element: a gradient entry thousands of times smaller
 * than the largest has a relative rounding error thousands of times larger, and Adam passes it on
 * undamped (measured 2e-3 normwise on vgg-small's conv2_2 after one step). So for Adam/AdamW the
 * step is checked in two well-conditioned halves: the gradients against the core's, and the
 * in-graph update against the core's optimizer applied to the same (ORT) gradients.
 */
import { describe, expect, it } from 'vitest';
import { buildTemplate, cloneWeights, createOptimizer, type OptimizerConfig, type Weights } from '../../../core/index';
import { stepBoth, worst } from './train-helpers';

const TOL = 1e-4;
const runs: [string, OptimizerConfig][] = [
  ['lenet5', { kind: 'sgd', momentum: 0.9, weightDecay: 5e-4 }],
  ['vgg-small', { kind: 'adam' }],
  ['resnet8', { kind: 'adamw', weightDecay: 0.01 }],
];

describe('training step on ONNX Runtime vs the core, per template', () => {
  for (const [name, opt] of runs) {
    it(`${name} (${opt.kind})`, async () => {
      const r = await stepBoth(buildTemplate(name), opt, { n: 8, lr: 0.01 });
      expect(Math.abs(r.ort.loss - r.core.loss) / r.core.loss).toBeLessThan(TOL);
      const g = worst(r.ort.grads, r.core.grads);
      expect(g.err, `gradient ${g.key}`).toBeLessThan(TOL);
      const trainable = (ws: Weights): Weights => Object.fromEntries(Object.entries(r.core.grads).map(([n, rec]) => [n, Object.fromEntries(Object.keys(rec).map((p) => [p, ws[n][p]]))]));
      let reference = r.core.weights;
      if (opt.kind !== 'sgd') {
        reference = cloneWeights(r.start);
        createOptimizer(opt).step(reference, r.ort.grads, 0.01);
      }
      const w = worst(trainable(r.ort.weights), trainable(reference));
      expect(w.err, `updated ${w.key}`).toBeLessThan(TOL);
      // Running stats (not touched by the optimizer) against the core directly.
      const stats = (ws: Weights): Weights => Object.fromEntries(Object.entries(ws).filter(([, rec]) => 'runningMean' in rec).map(([n, rec]) => [n, { runningMean: rec.runningMean, runningVar: rec.runningVar }]));
      expect(worst(stats(r.ort.weights), stats(r.core.weights)).err).toBeLessThan(TOL);
      expect(Object.keys(r.ort.grads).length).toBe(Object.keys(r.core.grads).length);
    });
  }
});
