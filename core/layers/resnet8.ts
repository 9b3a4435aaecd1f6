/**
 * ResNet-8 for 32x32 images: conv3x3 16 + BN + ReLU, three basic blocks of 16 / 32 / 64 channels
 * (stride 2 with 1x1 projection shortcuts in the last two), global average pool, Dense 10.
 * Eight weight layers: 1 + 3 x 2 + 1 (projections not counted, as usual).
 */
import { GraphBuilder } from '../graph/builder';
import { basicBlock, convBn, head } from './blocks';
import type { Template } from './template';

export const resnet8: Template = {
  name: 'resnet8',
  title: 'ResNet-8',
  description: 'A small residual network for 32x32 images: stem conv, three basic blocks (16/32/64), global pool, fc.',
  input: [3, 32, 32],
  options: [
    { name: 'width', default: 16, min: 1, doc: 'channels of the first stage (doubled twice)' },
    { name: 'classes', default: 10, min: 1, doc: 'output classes' },
    { name: 'channels', default: 3, min: 1, doc: 'input channels' },
    { name: 'size', default: 32, min: 4, doc: 'input height and width' },
  ],
  build(o) {
    const w = o.num('width');
    const b = new GraphBuilder('resnet8');
    const x = b.input([o.num('channels'), o.num('size'), o.num('size')]);
    const stem = convBn(b, 'stem', x, w, 3);
    let blk = basicBlock(b, 'stage1', stem, w, w, 1);
    blk = basicBlock(b, 'stage2', blk.x, blk.channels, 2 * w, 2);
    blk = basicBlock(b, 'stage3', blk.x, blk.channels, 4 * w, 2);
    return b.build(head(b, blk.x, o.num('classes')));
  },
};
