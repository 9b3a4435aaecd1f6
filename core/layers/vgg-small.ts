/** A small VGG-style net for 3x32x32 images: 2x[conv3x3 32 + ReLU], maxpool, 2x[conv3x3 64 + ReLU], maxpool, fc10. */
import { GraphBuilder } from '../graph/builder';
import type { Template } from './template';

export const vggSmall: Template = {
  name: 'vgg-small',
  title: 'Small VGG',
  description: 'Stacks of 3x3 convolutions with 2x2 max pooling (VGG style) for 32x32 colour images.',
  input: [3, 32, 32],
  options: [
    { name: 'width', default: 32, min: 1, doc: 'channels of the first stage (the second has twice as many)' },
    { name: 'classes', default: 10, min: 1, doc: 'output classes' },
    { name: 'channels', default: 3, min: 1, doc: 'input channels' },
    { name: 'size', default: 32, min: 4, doc: 'input height and width' },
  ],
  build(o) {
    const b = new GraphBuilder('vgg-small');
    const w = o.num('width');
    let x = b.input([o.num('channels'), o.num('size'), o.num('size')]);
    const conv = (name: string, filters: number) => {
      x = b.relu(`${name}_relu`, b.conv2d(name, x, { filters, kernel: 3, pads: 1 }));
    };
    conv('conv1_1', w);
    conv('conv1_2', w);
    x = b.maxPool2d('pool1', x, { kernel: 2, stride: 2 });
    conv('conv2_1', 2 * w);
    conv('conv2_2', 2 * w);
    x = b.maxPool2d('pool2', x, { kernel: 2, stride: 2 });
    x = b.flatten('flatten', x);
    return b.build(b.dense('fc', x, o.num('classes')));
  },
};
