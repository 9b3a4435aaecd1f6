/** Embedding through the shared oracle: lookup equals the table rows (truncated, negative from the end), exact table gradient, no index gradient. */
import { describe, expect, it } from 'vitest';
import { embedding } from '../../../core/ops/embedding';
import { OpError } from '../../../core/ops/types';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { checkOp } from './oracle';

describe('Embedding', () => {
  it('looks up rows (repeated, truncated and negative indices) with an exact table gradient', () => {
    const idx = Tensor.from([2, 3], [0, 3, 3, -1, 2.9, -4.5]);
    const rows = [0, 3, 3, 4, 2, 1];
    const rep = checkOp({
      op: embedding,
      attrs: { vocab: 5, dim: 4 },
      inputs: [idx],
      noGrad: [0],
      reference: (_in, p) => ({ shape: [2, 3, 4], data: rows.flatMap((r) => Array.from(p.weight.data.slice(r * 4, r * 4 + 4))) }),
    });
    expect(rep.outputShape).toEqual([2, 3, 4]);
    expect(rep.gradWorst['param:weight']).toBeLessThanOrEqual(1);
  });
  it('names an out-of-range index and refuses a missing vocab', () => {
    const w = { weight: new Tensor([3, 2]) };
    const a = embedding.parseAttrs({ vocab: 3, dim: 2 });
    expect(() => embedding.forward([Tensor.from([1, 2], [1, 3])], w, a, { training: false, rng: new Rng(1) })).toThrow(/index 3 at position 1 is out of range for a table of 3 rows/);
    expect(() => embedding.parseAttrs({ dim: 2 })).toThrow(OpError);
  });
});
