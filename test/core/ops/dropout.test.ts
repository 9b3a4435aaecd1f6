import { describe, expect, it } from 'vitest';
import { dropout } from '../../../core/ops/dropout';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { checkOp } from './oracle';

const x = (): Tensor => Tensor.from([4, 250], Array.from({ length: 1000 }, (_, i) => 1 + (i % 7)));

describe('Dropout', () => {
  it('is the identity in eval mode', () => {
    checkOp({ op: dropout, attrs: { rate: 0.5 }, inputs: [[2, 3, 4]], reference: ([t]) => ({ shape: t.shape, data: t.data }) });
  });

  it('inverted dropout in training: gradients through the same mask (oracle, fixed rng)', () => {
    checkOp({ op: dropout, attrs: { rate: 0.3 }, inputs: [[2, 3, 4]], training: true });
  });

  it('keeps about 1 - rate, scales kept units by 1 / (1 - rate), and is deterministic under a seed', () => {
    const a = dropout.parseAttrs({ rate: 0.25 });
    const input = x();
    const y1 = dropout.forward([input], {}, a, { training: true, rng: new Rng(7) }).output.data;
    const y2 = dropout.forward([input], {}, a, { training: true, rng: new Rng(7) }).output.data;
    const y3 = dropout.forward([input], {}, a, { training: true, rng: new Rng(8) }).output.data;
    expect(Array.from(y1)).toEqual(Array.from(y2));
    expect(Array.from(y1)).not.toEqual(Array.from(y3));
    let kept = 0;
    y1.forEach((v, i) => {
      if (v !== 0) {
        kept++;
        expect(v).toBeCloseTo(input.data[i] / 0.75, 5);
      }
    });
    // Binomial(1000, 0.75): mean 750, sd ~13.7.
    expect(kept).toBeGreaterThan(700);
    expect(kept).toBeLessThan(800);
  });

  it('backward zeroes exactly the dropped units', () => {
    const a = dropout.parseAttrs({ rate: 0.5 });
    const input = x();
    const res = dropout.forward([input], {}, a, { training: true, rng: new Rng(3) });
    const g = dropout.backward(Tensor.full(input.shape, 1), res.saved, [input], {}, a).inputs[0];
    if (!g) throw new Error('no gradient');
    g.data.forEach((v, i) => expect(v).toBe(res.output.data[i] === 0 ? 0 : 2));
  });

  it('validates rate', () => {
    expect(() => dropout.parseAttrs({ rate: 1 })).toThrow(/rate/);
    expect(() => dropout.parseAttrs({ rate: -0.1 })).toThrow(/rate/);
  });
});
