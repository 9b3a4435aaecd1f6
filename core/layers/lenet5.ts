/**
 * LeNet-5 (LeCun et al. 1998) on 28x28 digits: conv 6@5x5 (pad 2) - pool - conv 16@5x5 - pool -
 * Dense 120 - 84 - 10. With 6/16 channels and 120/84 units it has exactly 61,706 parameters:
 * 156 + 2,416 + 48,120 + 10,164 + 850.
 */
import { GraphBuilder } from '../graph/builder';
import type { Template } from './template';

export const lenet5: Template = {
  name: 'lenet5',
  title: 'LeNet-5',
  description: 'The classic digit classifier: two 5x5 convolutions with 2x2 pooling, then three fully connected layers (61,706 params).',
  input: [1, 28, 28],
  options: [
    { name: 'activation', default: 'relu', choices: ['relu', 'tanh'], doc: 'ReLU (modern) or tanh (as in 1998)' },
    { name: 'pool', default: 'max', choices: ['max', 'avg'], doc: 'max pooling, or average pooling as in the original subsampling' },
    { name: 'classes', default: 10, min: 1, doc: 'output classes' },
  ],
  build(o) {
    const act = o.str('activation') === 'tanh' ? 'tanh' : 'relu';
    const b = new GraphBuilder('lenet5');
    const pool = (name: string, x: string) =>
      o.str('pool') === 'avg' ? b.avgPool2d(name, x, { kernel: 2, stride: 2 }) : b.maxPool2d(name, x, { kernel: 2, stride: 2 });
    let x = b.input([1, 28, 28]);
    x = b.act(act, 'c1_act', b.conv2d('c1', x, { filters: 6, kernel: 5, pads: 2 }));
    x = pool('s2', x);
    x = b.act(act, 'c3_act', b.conv2d('c3', x, { filters: 16, kernel: 5 }));
    x = pool('s4', x);
    x = b.flatten('flatten', x);
    x = b.act(act, 'f5_act', b.dense('f5', x, 120));
    x = b.act(act, 'f6_act', b.dense('f6', x, 84));
    return b.build(b.dense('output', x, o.num('classes')));
  },
};
