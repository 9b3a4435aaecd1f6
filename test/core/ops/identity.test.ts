import { describe, expect, it } from 'vitest';
import { identity } from '../../../core/ops/identity';
import { checkOp } from './oracle';

describe('Identity', () => {
  it('passes values and gradients through', () => {
    checkOp({ op: identity, attrs: {}, inputs: [[2, 3, 4]], reference: ([x]) => ({ shape: x.shape, data: x.data }) });
    expect(identity.flops([[2, 3, 4]], {})).toBe(0);
  });
});
