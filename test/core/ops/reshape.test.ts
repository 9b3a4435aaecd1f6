import { describe, expect, it } from 'vitest';
import { reshape } from '../../../core/ops/reshape';
import { checkOp } from './oracle';

describe('Reshape', () => {
  it('reshapes per sample, keeping the batch, with one inferred dim', () => {
    const rep = checkOp({ op: reshape, attrs: { shape: [4, -1] }, inputs: [[2, 3, 2, 2]], reference: ([x]) => ({ shape: [2, 4, 3], data: x.data }) });
    expect(rep.outputShape).toEqual([2, 4, 3]);
  });

  it('copies dims with 0 and flattens with [-1]', () => {
    expect(reshape.inferShape([[8, 16, 5, 5]], reshape.parseAttrs({ shape: [0, 25] }))).toEqual([8, 16, 25]);
    expect(reshape.inferShape([[8, 16, 5, 5]], reshape.parseAttrs({ shape: [-1] }))).toEqual([8, 400]);
    expect(reshape.inferShape([[8, 400]], reshape.parseAttrs({ shape: [16, 5, 5] }))).toEqual([8, 16, 5, 5]);
  });

  it('names the sizes when they do not fit', () => {
    expect(() => reshape.inferShape([[8, 16, 5, 5]], reshape.parseAttrs({ shape: [3, -1] }))).toThrow(/16x5x5 \(400 values\)/);
    expect(() => reshape.inferShape([[8, 16, 5, 5]], reshape.parseAttrs({ shape: [10, 10] }))).toThrow(/400 values but \[10, 10\] needs 100/);
    expect(() => reshape.parseAttrs({ shape: [-1, -1] })).toThrow(/one -1/);
    expect(() => reshape.parseAttrs({})).toThrow(/shape/);
  });
});
