import { describe, expect, it } from 'vitest';
import { channelShuffle } from '../../../core/ops/channel-shuffle';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { checkOp } from './oracle';

describe('ChannelShuffle', () => {
  it('hand case: 6 channels, 2 groups -> 0 3 1 4 2 5', () => {
    const x = Tensor.from([1, 6, 1, 1], [0, 1, 2, 3, 4, 5]);
    const y = channelShuffle.forward([x], {}, { groups: 2 }, { training: false, rng: new Rng(1) }).output;
    expect(Array.from(y.data)).toEqual([0, 3, 1, 4, 2, 5]);
    const y3 = channelShuffle.forward([x], {}, { groups: 3 }, { training: false, rng: new Rng(1) }).output;
    expect(Array.from(y3.data)).toEqual([0, 2, 4, 1, 3, 5]);
  });

  it('matches the reshape-transpose-reshape reference and FD gradients', () => {
    checkOp({
      op: channelShuffle,
      attrs: { groups: 3 },
      inputs: [[2, 6, 2, 3]],
      reference: ([x]) => {
        const [n, c] = x.shape;
        const inner = 6;
        const per = c / 3;
        const data: number[] = [];
        for (let b = 0; b < n; b++) for (let i = 0; i < per; i++) for (let g = 0; g < 3; g++) for (let p = 0; p < inner; p++) data.push(x.data[(b * c + g * per + i) * inner + p]);
        return { shape: x.shape, data };
      },
    });
  });

  it('rejects channels that do not divide into groups', () => {
    expect(() => channelShuffle.inferShape([[1, 6, 4, 4]], { groups: 4 })).toThrow(/6 channels.*1x6x4x4.*4 groups/);
  });
});
