import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../core/tensor/tensor';
import { Rng } from '../../../core/tensor/rng';
import { initWeights } from '../../../core/graph/weights';
import type { Weights } from '../../../core/graph/types';
import { applyState, compileGraph, outputOf, runBackward, runForward, singleFeed } from '../../../core/train/autograd';
import { graphOf, node } from './helpers';

// Fan-out (act feeds two Dense nodes, fcA feeds two Adds) and an Add whose backward returns the
// same tensor for both inputs: the sums must still be exact.
const g = graphOf(
  'fanout',
  [
    node('x', 'Input', [], { shape: [1, 2, 2] }),
    node('flat', 'Flatten', ['x']),
    node('fc1', 'Dense', ['flat'], { units: 5 }),
    node('act', 'Tanh', ['fc1']),
    node('fcA', 'Dense', ['act'], { units: 3 }),
    node('fcB', 'Dense', ['act'], { units: 3 }),
    node('s', 'Add', ['fcA', 'fcB']),
    node('out', 'Add', ['s', 'fcA']),
  ],
  ['out'],
);

function lossOf(weights: Weights, x: Tensor, r: Tensor): number {
  const cg = compileGraph(g);
  const tape = runForward(cg, weights, singleFeed(cg, x), { training: false, rng: new Rng(0) });
  const y = outputOf(cg, tape);
  let s = 0;
  for (let i = 0; i < y.size; i++) s += y.data[i] * r.data[i];
  return s;
}

describe('autograd', () => {
  it('param and input gradients match central finite differences through fan-out', () => {
    const rng = new Rng(3);
    const weights = initWeights(g, new Rng(1), { batch: 2 });
    const x = Tensor.from([2, 1, 2, 2], Array.from({ length: 8 }, () => rng.normal()));
    const r = Tensor.from([2, 3], Array.from({ length: 6 }, () => rng.normal()));
    const cg = compileGraph(g);
    const tape = runForward(cg, weights, singleFeed(cg, x), { training: true, rng: new Rng(0) });
    const grads = runBackward(cg, tape, weights, [r.clone()]);
    expect(Object.keys(grads).sort()).toEqual(['fc1', 'fcA', 'fcB']);
    const eps = 1e-2;
    let checked = 0;
    for (const [nodeName, rec] of Object.entries(grads)) {
      for (const [param, grad] of Object.entries(rec)) {
        const w = weights[nodeName][param];
        for (let i = 0; i < w.size; i += 2) {
          const old = w.data[i];
          w.data[i] = old + eps;
          const up = lossOf(weights, x, r);
          w.data[i] = old - eps;
          const down = lossOf(weights, x, r);
          w.data[i] = old;
          const fd = (up - down) / (2 * eps);
          expect(Math.abs(grad.data[i] - fd)).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    // fcA's weight gradient must count both of its paths to the output (twice fcB's, for equal act).
    const gA = grads.fcA.bias.data;
    const gB = grads.fcB.bias.data;
    for (let j = 0; j < 3; j++) expect(gA[j]).toBeCloseTo(2 * gB[j], 5);
  });

  it('applies BatchNorm running stats after a training pass and leaves them alone in eval', () => {
    const bn = graphOf(
      'bn',
      [node('x', 'Input', [], { shape: [2] }), node('bn', 'BatchNorm', ['x'], { momentum: 0.5 })],
      ['bn'],
    );
    const weights = initWeights(bn, new Rng(1), { batch: 4 });
    const cg = compileGraph(bn);
    const x = Tensor.from([4, 2], [1, 10, 3, 10, 5, 10, 7, 10]);
    const evalTape = runForward(cg, weights, singleFeed(cg, x), { training: false, rng: new Rng(0) });
    applyState(weights, cg, evalTape);
    expect(Array.from(weights.bn.runningMean.data)).toEqual([0, 0]);
    const tape = runForward(cg, weights, singleFeed(cg, x), { training: true, rng: new Rng(0) });
    applyState(weights, cg, tape);
    // mean 4 and 10; running = 0.5 * 0 + 0.5 * mean
    expect(weights.bn.runningMean.data[0]).toBeCloseTo(2, 5);
    expect(weights.bn.runningMean.data[1]).toBeCloseTo(5, 5);
  });

  it('eval mode releases intermediate values but keeps outputs', () => {
    const cg = compileGraph(g);
    const weights = initWeights(g, new Rng(1), { batch: 1 });
    const tape = runForward(cg, weights, singleFeed(cg, new Tensor([1, 1, 2, 2])), { training: false, rng: new Rng(0) });
    expect(tape.values[cg.index.get('fc1') ?? -1]).toBeNull();
    expect(outputOf(cg, tape).shape).toEqual([1, 3]);
    expect(() => runBackward(cg, tape, weights, [new Tensor([1, 3])])).toThrow(/training mode/);
  });

  it('names the node when an op fails and when a feed is missing', () => {
    const bad = graphOf('bad', [node('x', 'Input', [], { shape: [3] }), node('d', 'Dense', ['x'], { units: 0 })], ['d']);
    expect(() => compileGraph(bad)).toThrow(/Dense "d"/);
    const cg = compileGraph(g);
    expect(() => runForward(cg, {}, {}, { training: false, rng: new Rng(0) })).toThrow(/Input "x": no value/);
  });
});
