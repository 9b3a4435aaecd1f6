import { describe, expect, it } from 'vitest';
import { flatten } from '../../../core/ops/flatten';
import { checkOp } from './oracle';

describe('Flatten', () => {
  it('keeps the batch dim by default and passes gradients back', () => {
    const rep = checkOp({ op: flatten, attrs: {}, inputs: [[2, 3, 4, 5]], reference: ([x]) => ({ shape: [2, 60], data: x.data }) });
    expect(rep.outputShape).toEqual([2, 60]);
  });

  it('follows ONNX for axis 0, 2 and -1', () => {
    expect(flatten.inferShape([[2, 3, 4, 5]], { axis: 0 })).toEqual([1, 120]);
    expect(flatten.inferShape([[2, 3, 4, 5]], { axis: 2 })).toEqual([6, 20]);
    expect(flatten.inferShape([[2, 3, 4, 5]], { axis: -1 })).toEqual([24, 5]);
    expect(flatten.inferShape([[2, 3, 4, 5]], { axis: 4 })).toEqual([120, 1]);
    checkOp({ op: flatten, attrs: { axis: 2 }, inputs: [[2, 3, 2, 2]], reference: ([x]) => ({ shape: [6, 4], data: x.data }) });
  });

  it('rejects an out-of-range axis naming the shape', () => {
    expect(() => flatten.inferShape([[2, 3]], { axis: 3 })).toThrow(/axis 3 .* 2x3/);
  });
});
