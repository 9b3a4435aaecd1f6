/** MatMul of two computed tensors through the shared oracle: naive reference, exact gradients for both inputs, broadcasting. */
import { describe, expect, it } from 'vitest';
import { matmul } from '../../../core/ops/matmul';
import { OpError } from '../../../core/ops/types';
import { sizeOf, stridesOf, type Shape, type Tensor } from '../../../core/tensor/tensor';
import { checkOp } from './oracle';

/** Naive numpy matmul with right-aligned batch broadcasting, in float64. */
function naive(a: Tensor, b: Tensor): { shape: number[]; data: Float64Array } {
  const [m, k] = a.shape.slice(-2);
  const p = b.shape[b.shape.length - 1];
  const ab = a.shape.slice(0, -2);
  const bb = b.shape.slice(0, -2);
  const r = Math.max(ab.length, bb.length);
  const pad = (s: Shape): number[] => [...new Array<number>(r - s.length).fill(1), ...s];
  const pa = pad(ab);
  const pb = pad(bb);
  const batch = pa.map((d, i) => Math.max(d, pb[i]));
  const sa = stridesOf(pa);
  const sb = stridesOf(pb);
  const out = new Float64Array(sizeOf(batch) * m * p);
  const idx = new Array<number>(r).fill(0);
  for (let e = 0; e < sizeOf(batch); e++) {
    let rem = e;
    for (let d = r - 1; d >= 0; d--) {
      idx[d] = rem % batch[d];
      rem = Math.floor(rem / batch[d]);
    }
    const ia = idx.reduce((s, v, d) => s + (pa[d] === 1 ? 0 : v) * sa[d], 0);
    const ib = idx.reduce((s, v, d) => s + (pb[d] === 1 ? 0 : v) * sb[d], 0);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += a.data[ia * m * k + i * k + t] * b.data[ib * k * p + t * p + j];
        out[e * m * p + i * p + j] = s;
      }
  }
  return { shape: [...batch, m, p], data: out };
}

describe('MatMul', () => {
  const cases: { name: string; a: number[]; b: number[]; out: number[] }[] = [
    { name: 'per-sample product (attention)', a: [2, 3, 4], b: [2, 4, 5], out: [2, 3, 5] },
    { name: 'shared 2-D right operand', a: [2, 3, 4], b: [4, 5], out: [2, 3, 5] },
    { name: 'shared 2-D left operand', a: [3, 4], b: [2, 4, 5], out: [2, 3, 5] },
    { name: 'broadcast leading dims', a: [2, 1, 3, 4], b: [2, 3, 4, 2], out: [2, 3, 3, 2] },
    { name: 'plain 2-D', a: [3, 7], b: [7, 2], out: [3, 2] },
  ];
  for (const c of cases) {
    it(`${c.name}: forward equals the naive product, both gradients exact`, () => {
      const rep = checkOp({ op: matmul, attrs: {}, inputs: [c.a, c.b], reference: ([a, b]) => naive(a, b) });
      expect(rep.outputShape).toEqual(c.out);
      expect(rep.gradWorst.input0).toBeLessThanOrEqual(1);
      expect(rep.gradWorst.input1).toBeLessThanOrEqual(1);
    });
  }
  it('a larger product goes through the fast GEMM path and still matches', () => {
    checkOp({ op: matmul, attrs: {}, inputs: [[2, 24, 20], [2, 20, 16]], reference: ([a, b]) => naive(a, b), maxChecks: 60 });
  });
  it('refuses mismatched inner dims, rank 1 and non-broadcasting batches, naming the shapes', () => {
    expect(() => matmul.inferShape([[2, 3, 4], [2, 5, 6]], {})).toThrow('MatMul: inner dimensions differ: A 2x3x4, B 2x5x6 (4 vs 5)');
    expect(() => matmul.inferShape([[2, 3, 4], [4]], {})).toThrow(OpError);
    expect(() => matmul.inferShape([[2, 3, 4], [4]], {})).toThrow('need rank >= 2, got A 2x3x4, B 4');
    expect(() => matmul.inferShape([[2, 3, 4], [3, 4, 5]], {})).toThrow(/broadcast/);
    expect(matmul.flops([[2, 3, 4], [4, 5]], {})).toBe(2 * 2 * 3 * 4 * 5);
  });
});
