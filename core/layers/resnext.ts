/** A ResNeXt block (Xie et al. 2017): the 3x3 of a bottleneck split into `cardinality` groups via a grouped conv. */
import { GraphBuilder } from '../graph/builder';
import { head, resnextBlock } from './blocks';
import { headOption, type Template } from './template';

export const resnext: Template = {
  name: 'resnext',
  title: 'ResNeXt block',
  description: 'Bottleneck block whose 3x3 conv is grouped (cardinality 32, width 4: 32x4d), plus the shortcut.',
  input: [256, 16, 16],
  options: [
    { name: 'channels', default: 256, min: 1, doc: 'input and output channels' },
    { name: 'size', default: 16, min: 1, doc: 'input height and width' },
    { name: 'cardinality', default: 32, min: 1, doc: 'number of groups (paths)' },
    { name: 'width', default: 4, min: 1, doc: 'channels per group' },
    headOption,
  ],
  build(o) {
    const b = new GraphBuilder('resnext');
    const c = o.num('channels');
    const x = b.input([c, o.num('size'), o.num('size')]);
    const blk = resnextBlock(b, 'block', x, c, c, o.num('cardinality'), o.num('width'));
    const classes = o.num('classes');
    return b.build(classes > 0 ? head(b, blk.x, classes) : blk.x);
  },
};
