/** StridedSlice through the shared oracle: ONNX Slice semantics with steps (forward against index arithmetic), exact gradients. */
import { describe, expect, it } from 'vitest';
import { stridedSlice } from '../../../core/ops/strided-slice';
import { checkOp } from './oracle';

describe('StridedSlice', () => {
  const cases = [
    { attrs: { axis: 2, start: 1, end: 100, step: 2 }, idx: [1, 3, 5] },
    { attrs: { axis: -1, start: -1, end: -8, step: -1 }, idx: [6, 5, 4, 3, 2, 1, 0] },
    { attrs: { axis: 2, start: 5, end: 0, step: -2 }, idx: [5, 3, 1] },
    { attrs: { axis: 2, start: -100, end: 4, step: 3 }, idx: [0, 3] },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.attrs)} picks [${c.idx.join(', ')}] with exact gradients`, () => {
      const rep = checkOp({
        op: stridedSlice,
        attrs: c.attrs,
        inputs: [[2, 3, 7]],
        reference: ([x]) => {
          const out: number[] = [];
          for (let r = 0; r < 6; r++) for (const i of c.idx) out.push(x.data[r * 7 + i]);
          return { shape: [2, 3, c.idx.length], data: out };
        },
      });
      expect(rep.outputShape).toEqual([2, 3, c.idx.length]);
    });
  }
  it('refuses step 0, the batch axis and empty ranges', () => {
    expect(() => stridedSlice.parseAttrs({ axis: 1, end: 3, step: 0 })).toThrow(/step must not be 0/);
    expect(() => stridedSlice.inferShape([[2, 5]], stridedSlice.parseAttrs({ axis: 0, end: 1, step: 2 }))).toThrow(/batch/);
    expect(() => stridedSlice.inferShape([[2, 5]], stridedSlice.parseAttrs({ axis: 1, start: 1, end: 3, step: -1 }))).toThrow(/\[1:3:-1\] on axis 1 of 2x5 is empty/);
  });
});
