/**
 * ChannelShuffle (ShuffleNet): view C channels as [groups, C / groups], transpose to [C / groups, groups]
 * and flatten back, so output channel i * groups + g is input channel g * (C / groups) + i.
 * Works for any rank >= 2 (N x C x ...). Backward applies the inverse permutation. FLOPs: 0 (a copy).
 */
import { Tensor, shapeToString } from '../tensor/tensor';
import { int } from './attrs';
import { expectInputs, expectMinRank, prod } from './op-util';
import { defineOp, OpError } from './types';

export interface ChannelShuffleAttrs {
  groups: number;
}

/** Copy channel blocks: dst channel c takes src channel perm(c) (or the inverse). */
function permute(x: Tensor, groups: number, inverse: boolean): Tensor {
  const [n, c] = x.shape;
  const inner = prod(x.shape, 2);
  const per = c / groups;
  const out = new Tensor(x.shape);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < per; i++) {
      for (let g = 0; g < groups; g++) {
        const shuffled = i * groups + g;
        const original = g * per + i;
        const dst = inverse ? original : shuffled;
        const src = inverse ? shuffled : original;
        out.data.set(x.data.subarray((b * c + src) * inner, (b * c + src + 1) * inner), (b * c + dst) * inner);
      }
    }
  }
  return out;
}

export const channelShuffle = defineOp<ChannelShuffleAttrs>({
  type: 'ChannelShuffle',
  summary: 'Interleaves channels across groups (ShuffleNet) so grouped convs exchange information.',
  category: 'structure',
  arity: 1,
  parseAttrs: (raw) => ({ groups: int(raw, 'groups', undefined, 1) }),
  params: () => [],
  inferShape(shapes, a) {
    expectInputs('ChannelShuffle', shapes, 1);
    expectMinRank('ChannelShuffle', shapes[0], 2);
    if (shapes[0][1] % a.groups !== 0) {
      throw new OpError(`ChannelShuffle: ${shapes[0][1]} channels (input ${shapeToString(shapes[0])}) do not divide into ${a.groups} groups`);
    }
    return shapes[0];
  },
  forward: (inputs, _params, a) => ({ output: permute(inputs[0], a.groups, false) }),
  backward: (gradOut, _saved, _inputs, _params, a) => ({ inputs: [permute(gradOut, a.groups, true)], params: {} }),
  flops: () => 0,
});
