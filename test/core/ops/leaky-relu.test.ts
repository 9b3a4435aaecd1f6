import { describe, expect, it } from 'vitest';
import { leakyRelu } from '../../../core/ops/leaky-relu';
import { checkOp } from './oracle';

describe('LeakyReLU', () => {
  it('defaults alpha to 0.01', () => {
    expect(leakyRelu.parseAttrs({})).toEqual({ alpha: 0.01 });
  });

  for (const alpha of [0.01, 0.2]) {
    it(`matches the reference and FD gradients (alpha ${alpha})`, () => {
      checkOp({
        op: leakyRelu,
        attrs: { alpha },
        inputs: [[2, 3, 5]],
        gen: 'distinct',
        reference: ([x]) => ({ shape: x.shape, data: Array.from(x.data, (v) => (v > 0 ? v : alpha * v)) }),
      });
    });
  }

  it('rejects a non-number alpha', () => {
    expect(() => leakyRelu.parseAttrs({ alpha: 'big' })).toThrow(/alpha/);
  });
});
