/**
 * A small ResNet with a non-local block (Wang et al. 2018) after the second stage, where the map is
 * 16x16: every position attends to every other (embedded Gaussian by default) and the result is
 * added back residually.
 */
import { GraphBuilder } from '../graph/builder';
import { basicBlock, convBn, head } from './blocks';
import type { Template } from './template';

export const resnetNonLocal: Template = {
  name: 'resnet-nonlocal',
  title: 'ResNet with a non-local block',
  description: 'ResNet-8 layout with a NonLocal self-attention block (residual) inserted at 16x16 resolution.',
  input: [3, 32, 32],
  options: [
    { name: 'mode', default: 'embedded', choices: ['gaussian', 'embedded', 'dot'], doc: 'pairwise function f' },
    { name: 'width', default: 16, min: 1, doc: 'channels of the first stage' },
    { name: 'classes', default: 10, min: 1, doc: 'output classes' },
  ],
  build(o) {
    const w = o.num('width');
    const b = new GraphBuilder('resnet-nonlocal');
    const x = b.input([3, 32, 32]);
    const stem = convBn(b, 'stem', x, w, 3);
    let blk = basicBlock(b, 'stage1', stem, w, w, 1);
    blk = basicBlock(b, 'stage2', blk.x, blk.channels, 2 * w, 2);
    const nl = b.nonLocal('nonlocal', blk.x, { mode: o.str('mode'), inner: w, residual: true });
    blk = basicBlock(b, 'stage3', nl, blk.channels, 4 * w, 2);
    return b.build(head(b, blk.x, o.num('classes')));
  },
};
