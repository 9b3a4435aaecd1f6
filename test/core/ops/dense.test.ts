import { describe, expect, it } from 'vitest';
import { dense } from '../../../core/ops/dense';
import { Tensor } from '../../../core/tensor/tensor';
import { checkOp } from './oracle';

function naiveDense(x: Tensor, w: Tensor, b: Tensor | undefined): { shape: number[]; data: number[] } {
  const [n, f] = x.shape;
  const u = w.shape[0];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < u; j++) {
      let s = b ? b.data[j] : 0;
      for (let k = 0; k < f; k++) s += x.data[i * f + k] * w.data[j * f + k];
      out.push(s);
    }
  }
  return { shape: [n, u], data: out };
}

describe('Dense', () => {
  it('matches x W^T + b and FD gradients of x, weight and bias', () => {
    const rep = checkOp({
      op: dense,
      attrs: { units: 7 },
      inputs: [[3, 11]],
      params: { bias: Tensor.from([7], [0.1, -0.2, 0.3, 0, 1, -1, 0.5]) },
      reference: ([x], p) => naiveDense(x, p.weight, p.bias),
    });
    expect(Object.keys(rep.gradWorst).sort()).toEqual(['input0', 'param:bias', 'param:weight']);
  });

  it('matches the reference past the GEMM block sizes (F = 300 > KC)', () => {
    checkOp({ op: dense, attrs: { units: 13 }, inputs: [[5, 300]], maxChecks: 60, reference: ([x], p) => naiveDense(x, p.weight, p.bias) });
  });

  it('works without bias', () => {
    expect(dense.params([[2, 5]], dense.parseAttrs({ units: 3, bias: false })).map((p) => p.name)).toEqual(['weight']);
    checkOp({ op: dense, attrs: { units: 3, bias: false }, inputs: [[2, 5]], reference: ([x], p) => naiveDense(x, p.weight, undefined) });
  });

  it('uses the [units, F] layout, counts FLOPs, and asks for a Flatten on rank-4 input', () => {
    const a = dense.parseAttrs({ units: 10 });
    expect(dense.params([[1, 84]], a).map((p) => p.shape)).toEqual([[10, 84], [10]]);
    expect(dense.flops([[4, 84]], a)).toBe(2 * 4 * 84 * 10 + 4 * 10);
    expect(() => dense.inferShape([[1, 16, 5, 5]], a)).toThrow(/1x16x5x5.*Flatten/);
    expect(() => dense.parseAttrs({})).toThrow(/units/);
    expect(() => dense.parseAttrs({ units: 0 })).toThrow(/units/);
  });
});
