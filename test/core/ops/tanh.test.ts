import { describe, it } from 'vitest';
import { tanh } from '../../../core/ops/tanh';
import { checkOp } from './oracle';

describe('Tanh', () => {
  it('matches Math.tanh and FD gradients', () => {
    checkOp({
      op: tanh,
      attrs: {},
      inputs: [[2, 6, 3]],
      reference: ([x]) => ({ shape: x.shape, data: Array.from(x.data, (v) => (Math.exp(2 * v) - 1) / (Math.exp(2 * v) + 1)) }),
    });
  });
});
