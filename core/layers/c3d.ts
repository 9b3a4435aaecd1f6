/**
 * A small C3D (Tran et al. 2015) for short clips, input C x D x H x W = 3x8x32x32: 3x3x3 convs
 * with ReLU, a spatial-only first pool (1x2x2) so early frames are not merged, then 2x2x2 pools.
 */
import { GraphBuilder } from '../graph/builder';
import type { Template } from './template';

export const c3d: Template = {
  name: 'c3d',
  title: 'Small C3D (3D conv for clips)',
  description: '3D convolutions over time and space for 8-frame clips: conv3d 32 / 64 / 128, 3D pooling, fc.',
  input: [3, 8, 32, 32],
  options: [
    { name: 'frames', default: 8, min: 4, doc: 'D: frames per clip' },
    { name: 'size', default: 32, min: 8, doc: 'frame height and width' },
    { name: 'width', default: 32, min: 1, doc: 'channels of the first conv (doubled twice)' },
    { name: 'classes', default: 10, min: 1, doc: 'output classes' },
  ],
  build(o) {
    const w = o.num('width');
    const b = new GraphBuilder('c3d');
    let x = b.input([3, o.num('frames'), o.num('size'), o.num('size')]);
    const conv = (name: string, filters: number) => {
      x = b.relu(`${name}_relu`, b.conv3d(name, x, { filters, kernel: 3, pads: 1 }));
    };
    conv('conv1', w);
    x = b.maxPool3d('pool1', x, { kernel: [1, 2, 2], stride: [1, 2, 2] });
    conv('conv2', 2 * w);
    x = b.maxPool3d('pool2', x, { kernel: 2, stride: 2 });
    conv('conv3', 4 * w);
    x = b.maxPool3d('pool3', x, { kernel: 2, stride: 2 });
    x = b.globalAvgPool('gap', x);
    x = b.flatten('flatten', x);
    return b.build(b.dense('fc', x, o.num('classes')));
  },
};
