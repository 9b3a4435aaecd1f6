import { describe, expect, it } from 'vitest';
import { relu } from '../../../core/ops/relu';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { checkOp } from './oracle';

describe('ReLU', () => {
  it('matches max(0, x) and its gradient away from the kink', () => {
    const rep = checkOp({
      op: relu,
      attrs: {},
      inputs: [[2, 3, 4, 4]],
      gen: 'distinct',
      reference: ([x]) => ({ shape: x.shape, data: Array.from(x.data, (v) => Math.max(0, v)) }),
    });
    expect(rep.outputShape).toEqual([2, 3, 4, 4]);
    expect(rep.checkedElements).toBe(96);
  });

  it('hand case and FLOPs', () => {
    const y = relu.forward([Tensor.from([1, 4], [-2, 0, 0.5, 3])], {}, {}, { training: false, rng: new Rng(1) });
    expect(Array.from(y.output.data)).toEqual([0, 0, 0.5, 3]);
    expect(relu.flops([[2, 3, 4, 4]], {})).toBe(96);
  });

  it('bit-level loops: -0, -Inf, Inf and tiny values; gradient only where x > 0', () => {
    const xs = [-0, 0, -Infinity, Infinity, -1e-40, 1e-40, -3.5, 2.25];
    const x = Tensor.from([1, xs.length], xs);
    const ctx = { training: true, rng: new Rng(1) };
    const f = relu.forward([x], {}, {}, ctx);
    expect(Array.from(f.output.data)).toEqual(xs.map((v) => Math.fround(v > 0 ? v : 0)));
    expect(Object.is(f.output.data[0], 0)).toBe(true);
    const dy = Tensor.from([1, xs.length], [1, 2, 3, 4, 5, 6, 7, 8]);
    const g = relu.backward(dy, f.saved, [x], {}, {});
    expect(Array.from(g.inputs[0]?.data ?? [])).toEqual([0, 0, 0, 4, 0, 6, 0, 8]);
  });
});
