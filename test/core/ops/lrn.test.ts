import { describe, expect, it } from 'vitest';
import { lrn, type LRNAttrs } from '../../../core/ops/lrn';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { checkOp } from './oracle';

/** ONNX reference: square_sum over [c - floor((size-1)/2), c + ceil((size-1)/2)]. */
function naiveLRN(x: Tensor, a: LRNAttrs) {
  const [n, c] = x.shape;
  const inner = x.size / (n * c);
  const data: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < inner; p++) {
        let sq = 0;
        for (let cc = ch - Math.floor((a.size - 1) / 2); cc <= ch + Math.ceil((a.size - 1) / 2); cc++) {
          if (cc >= 0 && cc < c) sq += x.data[(b * c + cc) * inner + p] ** 2;
        }
        data.push(x.data[(b * c + ch) * inner + p] / (a.bias + (a.alpha / a.size) * sq) ** a.beta);
      }
    }
  }
  return { shape: x.shape, data };
}

describe('LRN', () => {
  it('defaults follow ONNX', () => {
    expect(lrn.parseAttrs({ size: 5 })).toEqual({ size: 5, alpha: 1e-4, beta: 0.75, bias: 1 });
    expect(() => lrn.parseAttrs({})).toThrow(/size/);
  });

  for (const size of [3, 4, 5]) {
    it(`matches ONNX semantics and FD gradients (size ${size}, strong alpha so the cross-channel term matters)`, () => {
      checkOp({ op: lrn, attrs: { size, alpha: 2, beta: 0.75, bias: 1.5 }, inputs: [[2, 6, 2, 2]], reference: ([x], _p, a) => naiveLRN(x, a) });
    });
  }

  it('AlexNet defaults on a 4D input', () => {
    checkOp({ op: lrn, attrs: { size: 5, alpha: 1e-4, beta: 0.75, bias: 2 }, inputs: [[1, 8, 3, 3]], reference: ([x], _p, a) => naiveLRN(x, a) });
  });

  it('hand value: one channel, size 1', () => {
    const y = lrn.forward([Tensor.from([1, 1], [2])], {}, { size: 1, alpha: 1, beta: 1, bias: 1 }, { training: false, rng: new Rng(1) });
    expect(y.output.data[0]).toBeCloseTo(2 / 5, 6);
  });
});
