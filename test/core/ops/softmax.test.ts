import { describe, expect, it } from 'vitest';
import { softmax } from '../../../core/ops/softmax';
import { Rng } from '../../../core/tensor/rng';
import { Tensor, stridesOf, type Shape } from '../../../core/tensor/tensor';
import { checkOp } from './oracle';

/** Naive softmax along `axis` by explicit multi-index walking. */
function naiveSoftmax(x: Tensor, axis: number): number[] {
  const shape: Shape = x.shape;
  const a = axis < 0 ? axis + shape.length : axis;
  const st = stridesOf(shape);
  const out = new Array<number>(x.size).fill(0);
  for (let p = 0; p < x.size; p++) {
    const k = Math.floor(p / st[a]) % shape[a];
    const base = p - k * st[a];
    let denom = 0;
    for (let j = 0; j < shape[a]; j++) denom += Math.exp(x.data[base + j * st[a]]);
    out[p] = Math.exp(x.data[p]) / denom;
  }
  return out;
}

describe('Softmax', () => {
  for (const [shape, axis] of [
    [[4, 10], -1],
    [[2, 5, 3, 3], 1],
    [[2, 3, 4], 0],
  ] as const) {
    it(`matches the reference and FD on ${shape.join('x')} axis ${axis}`, () => {
      checkOp({
        op: softmax,
        attrs: { axis },
        inputs: [shape],
        reference: ([x]) => ({ shape: x.shape, data: naiveSoftmax(x, axis) }),
      });
    });
  }

  it('is stable for large logits and rows sum to 1', () => {
    const x = Tensor.from([2, 3], [1000, 1001, 1002, -1000, -1000, -1000]);
    const y = softmax.forward([x], {}, softmax.parseAttrs({}), { training: false, rng: new Rng(1) }).output.data;
    expect(y[0] + y[1] + y[2]).toBeCloseTo(1, 6);
    expect(y[2]).toBeCloseTo(0.6652409557748219, 6);
    expect(y[3]).toBeCloseTo(1 / 3, 6);
  });

  it('names the shape on a bad axis', () => {
    expect(() => softmax.inferShape([[2, 3]], { axis: 2 })).toThrow(/axis 2 .* 2x3/);
  });
});
