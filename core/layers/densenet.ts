/** A DenseNet(-BC) block (Huang et al. 2017): every layer's k new channels are concatenated onto all earlier ones. */
import { GraphBuilder } from '../graph/builder';
import { denseBlock, head } from './blocks';
import { headOption, type Template } from './template';

export const densenet: Template = {
  name: 'densenet',
  title: 'DenseNet block',
  description: 'L layers, each BN-ReLU-1x1(4k)-BN-ReLU-3x3(k), concatenated: the block outputs C + L*k channels.',
  input: [64, 32, 32],
  options: [
    { name: 'channels', default: 64, min: 1, doc: 'input channels' },
    { name: 'size', default: 32, min: 1, doc: 'input height and width' },
    { name: 'layers', default: 4, min: 1, doc: 'L: layers in the block' },
    { name: 'growth', default: 12, min: 1, doc: 'k: growth rate (channels each layer adds)' },
    { name: 'bottleneck', default: true, doc: 'use the 1x1 bottleneck (DenseNet-B)' },
    headOption,
  ],
  build(o) {
    const b = new GraphBuilder('densenet');
    const x = b.input([o.num('channels'), o.num('size'), o.num('size')]);
    const blk = denseBlock(b, 'dense', x, o.num('channels'), o.num('layers'), o.num('growth'), o.bool('bottleneck'));
    const classes = o.num('classes');
    return b.build(classes > 0 ? head(b, blk.x, classes) : blk.x);
  },
};
