import { describe, expect, it } from 'vitest';
import { nodeMeanPool } from '../../../core/ops/node-mean-pool';
import { checkOp } from './oracle';

describe('NodeMeanPool', () => {
  it('averages node features and spreads the gradient', () => {
    const rep = checkOp({
      op: nodeMeanPool,
      attrs: {},
      inputs: [[5, 3]],
      reference: ([x]) => ({ shape: [1, 3], data: [0, 1, 2].map((k) => [0, 1, 2, 3, 4].reduce((s, i) => s + x.data[i * 3 + k], 0) / 5) }),
    });
    expect(rep.outputShape).toEqual([1, 3]);
  });

  it('rejects non-graph input', () => {
    expect(() => nodeMeanPool.inferShape([[2, 3, 4]], {})).toThrow(/nodes x features.*got 2x3x4/);
  });
});
