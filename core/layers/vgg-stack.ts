/**
 * Why VGG stacks 3x3 convolutions: three stacked 3x3 convs (with ReLUs between) see the same 7x7
 * receptive field as one 7x7 conv, with 27C^2 weights instead of 49C^2 (C channels in and out,
 * biases off so the counts are exact) and two extra non-linearities. Both paths share the input;
 * the graph has two outputs, `stack3x3` and `single7x7`.
 */
import { GraphBuilder } from '../graph/builder';
import type { Template } from './template';

export const vggStack: Template = {
  name: 'vgg-stack',
  title: 'VGG: 3 stacked 3x3 vs one 7x7',
  description: 'Two paths from one input: three 3x3 convs and a single 7x7 conv. Same 7x7 receptive field; 27C^2 vs 49C^2 params.',
  input: [64, 32, 32],
  options: [
    { name: 'channels', default: 64, min: 1, doc: 'C: channels in and out of every conv' },
    { name: 'size', default: 32, min: 7, doc: 'input height and width' },
  ],
  build(o) {
    const c = o.num('channels');
    const b = new GraphBuilder('vgg-stack');
    const x = b.input([c, o.num('size'), o.num('size')]);
    let s = x;
    for (let i = 1; i <= 3; i++) {
      s = b.conv2d(`stack_conv${i}`, s, { filters: c, kernel: 3, pads: 1, bias: false });
      s = b.relu(i === 3 ? 'stack3x3' : `stack_relu${i}`, s);
    }
    const single = b.relu('single7x7', b.conv2d('single_conv7x7', x, { filters: c, kernel: 7, pads: 3, bias: false }));
    return b.build([s, single]);
  },
};
