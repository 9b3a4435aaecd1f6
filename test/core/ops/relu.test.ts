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
});
