import { describe, expect, it } from 'vitest';
import { add } from '../../../core/ops/add';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { checkOp } from './oracle';

describe('Add', () => {
  it('sums same-shape inputs (residual), gradients pass to each', () => {
    checkOp({
      op: add,
      attrs: {},
      inputs: [[2, 3, 4, 4], [2, 3, 4, 4], [2, 3, 4, 4]],
      reference: ([a, b, c]) => ({ shape: a.shape, data: Array.from(a.data, (v, i) => v + b.data[i] + c.data[i]) }),
    });
  });

  it('broadcasts a per-channel [1, C, 1, 1] input and sums its gradient back', () => {
    const rep = checkOp({
      op: add,
      attrs: {},
      inputs: [[2, 3, 2, 2], [1, 3, 1, 1]],
      reference: ([a, b]) => ({ shape: a.shape, data: Array.from(a.data, (v, i) => v + b.data[Math.floor(i / 4) % 3]) }),
    });
    expect(rep.outputShape).toEqual([2, 3, 2, 2]);
  });

  it('broadcasts a trailing vector (right-aligned, missing leading dims)', () => {
    checkOp({
      op: add,
      attrs: {},
      inputs: [[2, 3], [3]],
      reference: ([a, b]) => ({ shape: a.shape, data: Array.from(a.data, (v, i) => v + b.data[i % 3]) }),
    });
  });

  it('names incompatible shapes', () => {
    expect(() => add.inferShape([[1, 8, 4, 4], [1, 16, 4, 4]], {})).toThrow(/1x8x4x4 vs 1x16x4x4/);
    expect(() => add.inferShape([[1, 8]], {})).toThrow(/at least 2/);
    expect(add.flops([[2, 8], [2, 8], [2, 8]], {})).toBe(32);
  });

  it('hand case', () => {
    const y = add.forward([Tensor.from([1, 2], [1, 2]), Tensor.from([1, 2], [10, 20])], {}, {}, { training: false, rng: new Rng(1) });
    expect(Array.from(y.output.data)).toEqual([11, 22]);
  });
});
