import { describe, expect, it } from 'vitest';
import { batchNorm } from '../../../core/ops/batch-norm';
import { Rng } from '../../../core/tensor/rng';
import { Tensor, type Shape } from '../../../core/tensor/tensor';
import { checkOp, randomTensor } from './oracle';

/** Naive per-channel normalisation in float64; `stats` = null uses batch statistics. */
function naiveBN(x: Tensor, p: Readonly<Record<string, Tensor>>, eps: number, stats: 'batch' | 'running') {
  const [n, c] = x.shape;
  const inner = x.size / (n * c);
  const out = new Array<number>(x.size);
  for (let ch = 0; ch < c; ch++) {
    const vals: number[] = [];
    for (let i = 0; i < n; i++) for (let k = 0; k < inner; k++) vals.push(x.data[(i * c + ch) * inner + k]);
    const mean = stats === 'batch' ? vals.reduce((a, b) => a + b, 0) / vals.length : p.runningMean.data[ch];
    const v = stats === 'batch' ? vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length : p.runningVar.data[ch];
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < inner; k++) {
        const idx = (i * c + ch) * inner + k;
        out[idx] = (p.gamma.data[ch] * (x.data[idx] - mean)) / Math.sqrt(v + eps) + p.beta.data[ch];
      }
    }
  }
  return { shape: x.shape, data: out };
}

function someParams(c: number, seed: number): Record<string, Tensor> {
  const rng = new Rng(seed);
  return {
    gamma: Tensor.from([c], Array.from({ length: c }, () => 0.5 + rng.next())),
    beta: Tensor.from([c], Array.from({ length: c }, () => rng.normal())),
    runningMean: Tensor.from([c], Array.from({ length: c }, () => 0.3 * rng.normal())),
    runningVar: Tensor.from([c], Array.from({ length: c }, () => 0.5 + rng.next())),
  };
}

describe('BatchNorm', () => {
  const cases: Shape[] = [
    [4, 3],
    [3, 2, 5],
    [2, 3, 3, 3],
    [2, 2, 2, 2, 3],
  ];
  for (const shape of cases) {
    it(`training mode: batch stats and exact gradients on ${shape.join('x')}`, () => {
      const params = someParams(shape[1], 5);
      const rep = checkOp({
        op: batchNorm,
        attrs: {},
        inputs: [shape],
        params,
        training: true,
        reference: ([x], p) => naiveBN(x, p, 1e-5, 'batch'),
      });
      expect(Object.keys(rep.gradWorst).sort()).toEqual(['input0', 'param:beta', 'param:gamma']);
    });
    it(`eval mode: running stats and exact gradients on ${shape.join('x')}`, () => {
      checkOp({ op: batchNorm, attrs: { epsilon: 1e-3 }, inputs: [shape], params: someParams(shape[1], 6), reference: ([x], p) => naiveBN(x, p, 1e-3, 'running') });
    });
  }

  it('updates running stats with ONNX momentum and the unbiased variance', () => {
    const x = Tensor.from([2, 2, 2], [1, 2, 10, 10, 3, 4, 20, 40]);
    const p = { gamma: Tensor.full([2], 1), beta: Tensor.zeros([2]), runningMean: Tensor.zeros([2]), runningVar: Tensor.full([2], 1) };
    const res = batchNorm.forward([x], p, batchNorm.parseAttrs({ momentum: 0.9 }), { training: true, rng: new Rng(1) });
    if (!res.state) throw new Error('no state');
    // channel 0: values 1,2,3,4 -> mean 2.5, unbiased var 5/3; channel 1: 10,10,20,40 -> mean 20, unbiased var 200.
    expect(res.state.runningMean.data[0]).toBeCloseTo(0.25, 6);
    expect(res.state.runningMean.data[1]).toBeCloseTo(2, 6);
    expect(res.state.runningVar.data[0]).toBeCloseTo(0.9 + 0.1 * (5 / 3), 6);
    expect(res.state.runningVar.data[1]).toBeCloseTo(0.9 + 0.1 * 200, 4);
    // The batch normalisation itself uses the biased variance (1.25 for channel 0).
    expect(res.output.data[0]).toBeCloseTo((1 - 2.5) / Math.sqrt(1.25 + 1e-5), 5);
    // Params are not mutated; eval mode returns no state.
    expect(p.runningMean.data[0]).toBe(0);
    expect(batchNorm.forward([x], p, batchNorm.parseAttrs({}), { training: false, rng: new Rng(1) }).state).toBeUndefined();
  });

  it('converges running stats to the data stats over repeated batches', () => {
    const rng = new Rng(2);
    const a = batchNorm.parseAttrs({});
    let p: Record<string, Tensor> = { gamma: Tensor.full([1], 1), beta: Tensor.zeros([1]), runningMean: Tensor.zeros([1]), runningVar: Tensor.full([1], 1) };
    for (let step = 0; step < 200; step++) {
      const x = randomTensor([64, 1], rng);
      for (let i = 0; i < x.size; i++) x.data[i] = 3 + 2 * x.data[i];
      const res = batchNorm.forward([x], p, a, { training: true, rng });
      if (!res.state) throw new Error('no state');
      p = { ...p, ...res.state };
    }
    expect(p.runningMean.data[0]).toBeGreaterThan(2.7);
    expect(p.runningMean.data[0]).toBeLessThan(3.3);
    expect(p.runningVar.data[0]).toBeGreaterThan(3.2);
    expect(p.runningVar.data[0]).toBeLessThan(4.8);
  });

  it('declares params and validates rank and attributes', () => {
    const specs = batchNorm.params([[1, 6, 4, 4]], batchNorm.parseAttrs({}));
    expect(specs.map((s) => [s.name, s.shape, s.trainable])).toEqual([
      ['gamma', [6], true],
      ['beta', [6], true],
      ['runningMean', [6], false],
      ['runningVar', [6], false],
    ]);
    expect(() => batchNorm.inferShape([[6]], batchNorm.parseAttrs({}))).toThrow(/rank >= 2/);
    expect(() => batchNorm.parseAttrs({ momentum: 2 })).toThrow(/momentum/);
    expect(() => batchNorm.parseAttrs({ epsilon: 0 })).toThrow(/epsilon/);
  });
});
