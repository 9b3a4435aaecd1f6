import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { augmentBatch } from '../../../core/data/augment';

describe('augmentBatch', () => {
  it('shifts each image by at most `shift` pixels with edge replication, seeded', () => {
    // one 1x5x5 image with a single bright pixel in the middle
    const x = new Tensor([8, 1, 5, 5]);
    for (let i = 0; i < 8; i++) x.data[i * 25 + 12] = 1;
    const a = augmentBatch(x, { shift: 1 }, new Rng(3));
    const b = augmentBatch(x, { shift: 1 }, new Rng(3));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const moves = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const img = a.data.subarray(i * 25, (i + 1) * 25);
      expect(img.reduce((s, v) => s + v, 0)).toBe(1); // nothing lost, nothing duplicated
      const at = img.indexOf(1);
      const dy = Math.floor(at / 5) - 2;
      const dx = (at % 5) - 2;
      expect(Math.abs(dy)).toBeLessThanOrEqual(1);
      expect(Math.abs(dx)).toBeLessThanOrEqual(1);
      moves.add(`${dy},${dx}`);
    }
    expect(moves.size).toBeGreaterThan(2);
    expect(x.data[12]).toBe(1); // input untouched
  });

  it('replicates edges and flips left-right', () => {
    const x = Tensor.from([1, 1, 1, 3], [1, 2, 3]);
    let flipped = 0;
    for (let s = 0; s < 20; s++) {
      const y = Array.from(augmentBatch(x, { flip: true }, new Rng(s)).data);
      if (y[0] === 3) {
        expect(y).toEqual([3, 2, 1]);
        flipped++;
      } else expect(y).toEqual([1, 2, 3]);
    }
    expect(flipped).toBeGreaterThan(3);
    const shifted = new Set<string>();
    for (let s = 0; s < 20; s++) shifted.add(Array.from(augmentBatch(x, { shift: 1 }, new Rng(s)).data).join(','));
    expect([...shifted].sort()).toEqual(['1,1,2', '1,2,3', '2,3,3']);
  });
});
