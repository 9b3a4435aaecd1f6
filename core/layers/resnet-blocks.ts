/** The ResNet basic and bottleneck blocks as stand-alone templates (a block on a feature map, optional head). */
import { GraphBuilder } from '../graph/builder';
import { basicBlock, bottleneckBlock, head } from './blocks';
import { headOption, type Template } from './template';

export const resnetBasic: Template = {
  name: 'resnet-basic',
  title: 'ResNet basic block',
  description: 'Two 3x3 conv-BN layers plus the input (identity, or a 1x1 projection when the stride or width changes), then ReLU.',
  input: [64, 32, 32],
  options: [
    { name: 'channels', default: 64, min: 1, doc: 'input channels' },
    { name: 'out', default: 64, min: 1, doc: 'output channels (a projection shortcut appears when different)' },
    { name: 'stride', default: 1, min: 1, doc: 'stride of the first conv (2 halves the map and adds a projection)' },
    { name: 'size', default: 32, min: 2, doc: 'input height and width' },
    headOption,
  ],
  build(o) {
    const b = new GraphBuilder('resnet-basic');
    const x = b.input([o.num('channels'), o.num('size'), o.num('size')]);
    const blk = basicBlock(b, 'block', x, o.num('channels'), o.num('out'), o.num('stride'));
    const classes = o.num('classes');
    return b.build(classes > 0 ? head(b, blk.x, classes) : blk.x);
  },
};

export const resnetBottleneck: Template = {
  name: 'resnet-bottleneck',
  title: 'ResNet bottleneck block',
  description: '1x1 reduce, 3x3, 1x1 expand (x4) with BatchNorm, plus the shortcut: cheaper than two 3x3 at high width.',
  input: [256, 32, 32],
  options: [
    { name: 'channels', default: 256, min: 1, doc: 'input channels' },
    { name: 'width', default: 64, min: 1, doc: 'bottleneck width; the block outputs 4x this' },
    { name: 'stride', default: 1, min: 1, doc: 'stride of the 3x3 conv' },
    { name: 'size', default: 32, min: 2, doc: 'input height and width' },
    headOption,
  ],
  build(o) {
    const b = new GraphBuilder('resnet-bottleneck');
    const x = b.input([o.num('channels'), o.num('size'), o.num('size')]);
    const blk = bottleneckBlock(b, 'block', x, o.num('channels'), o.num('width'), o.num('stride'));
    const classes = o.num('classes');
    return b.build(classes > 0 ? head(b, blk.x, classes) : blk.x);
  },
};
