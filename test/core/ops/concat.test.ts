import { describe, expect, it } from 'vitest';
import { concat } from '../../../core/ops/concat';
import { Rng } from '../../../core/tensor/rng';
import { Tensor, stridesOf, type Shape } from '../../../core/tensor/tensor';
import { checkOp } from './oracle';

/** Naive concat: for every output index, find the input that owns its coordinate on the axis. */
function naiveConcat(xs: readonly Tensor[], axis: number): { shape: Shape; data: number[] } {
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, t) => s + t.shape[axis], 0);
  const st = stridesOf(shape);
  const size = shape.reduce((a, b) => a * b, 1);
  const data: number[] = [];
  for (let p = 0; p < size; p++) {
    const idx = shape.map((d, i) => Math.floor(p / st[i]) % d);
    let k = idx[axis];
    let which = 0;
    while (k >= xs[which].shape[axis]) k -= xs[which++].shape[axis];
    const t = xs[which];
    const ist = stridesOf(t.shape);
    const src = idx.reduce((s, v, i) => s + (i === axis ? k : v) * ist[i], 0);
    data.push(t.data[src]);
  }
  return { shape, data };
}

describe('Concat', () => {
  it('joins feature maps on channels (Inception-style, 3 inputs)', () => {
    const rep = checkOp({ op: concat, attrs: {}, inputs: [[2, 3, 4, 4], [2, 1, 4, 4], [2, 2, 4, 4]], reference: (xs) => naiveConcat(xs, 1) });
    expect(rep.outputShape).toEqual([2, 6, 4, 4]);
  });

  it('joins on other axes, including negative ones', () => {
    checkOp({ op: concat, attrs: { axis: -1 }, inputs: [[2, 3, 2], [2, 3, 5]], reference: (xs) => naiveConcat(xs, 2) });
    checkOp({ op: concat, attrs: { axis: 0 }, inputs: [[1, 3], [2, 3]], reference: (xs) => naiveConcat(xs, 0) });
  });

  it('names the mismatched spatial sizes', () => {
    const a = concat.parseAttrs({});
    expect(() => concat.inferShape([[1, 16, 14, 14], [1, 8, 7, 7]], a)).toThrow(/Concat: 14x14 vs 7x7/);
    expect(() => concat.inferShape([[1, 16, 14, 14], [1, 8, 14]], a)).toThrow(/1x16x14x14 vs 1x8x14/);
  });

  it('hand case', () => {
    const y = concat.forward([Tensor.from([1, 1, 2], [1, 2]), Tensor.from([1, 2, 2], [3, 4, 5, 6])], {}, { axis: 1 }, { training: false, rng: new Rng(1) });
    expect(Array.from(y.output.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
