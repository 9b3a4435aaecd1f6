import { describe, expect, it } from 'vitest';
import { mul } from '../../../core/ops/mul';
import { checkOp } from './oracle';

describe('Mul', () => {
  it('multiplies same-shape inputs with exact gradients', () => {
    checkOp({
      op: mul,
      attrs: {},
      inputs: [[2, 3, 3], [2, 3, 3]],
      reference: ([a, b]) => ({ shape: a.shape, data: Array.from(a.data, (v, i) => v * b.data[i]) }),
    });
  });

  it('broadcasts a channel gate [N, C, 1, 1] over feature maps (either order)', () => {
    checkOp({
      op: mul,
      attrs: {},
      inputs: [[2, 3, 2, 2], [2, 3, 1, 1]],
      reference: ([a, b]) => ({ shape: a.shape, data: Array.from(a.data, (v, i) => v * b.data[Math.floor(i / 4)]) }),
    });
    checkOp({
      op: mul,
      attrs: {},
      inputs: [[2, 3, 1, 1], [2, 3, 2, 2]],
      reference: ([a, b]) => ({ shape: b.shape, data: Array.from(b.data, (v, i) => v * a.data[Math.floor(i / 4)]) }),
    });
  });

  it('broadcasts both sides ([3, 1] * [1, 4] -> [3, 4])', () => {
    const rep = checkOp({
      op: mul,
      attrs: {},
      inputs: [[3, 1], [1, 4]],
      reference: ([a, b]) => ({ shape: [3, 4], data: Array.from({ length: 12 }, (_, i) => a.data[Math.floor(i / 4)] * b.data[i % 4]) }),
    });
    expect(rep.outputShape).toEqual([3, 4]);
  });

  it('rejects incompatible shapes and a third input', () => {
    expect(() => mul.inferShape([[2, 3], [2, 4]], {})).toThrow(/2x3 vs 2x4/);
    expect(() => mul.inferShape([[2], [2], [2]], {})).toThrow(/2 input/);
  });
});
