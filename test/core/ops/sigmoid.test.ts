import { describe, expect, it } from 'vitest';
import { sigmoid, sigmoidOf } from '../../../core/ops/sigmoid';
import { checkOp } from './oracle';

describe('Sigmoid', () => {
  it('matches 1 / (1 + e^-x) and FD gradients', () => {
    checkOp({
      op: sigmoid,
      attrs: {},
      inputs: [[3, 4, 2, 2]],
      reference: ([x]) => ({ shape: x.shape, data: Array.from(x.data, (v) => 1 / (1 + Math.exp(-v))) }),
    });
  });

  it('does not overflow at large |x|', () => {
    expect(sigmoidOf(-1000)).toBe(0);
    expect(sigmoidOf(1000)).toBe(1);
    expect(sigmoidOf(-30)).toBeCloseTo(9.357622968839299e-14, 25);
    expect(sigmoidOf(0)).toBe(0.5);
  });
});
