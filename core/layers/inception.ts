/**
 * An Inception module (Szegedy et al.; the v2/v3 form): four parallel paths concatenated on
 * channels: 1x1; 1x1 reduce -> 3x3; 1x1 reduce -> 3x3 -> 3x3 (a 5x5 receptive field from two 3x3);
 * 3x3 max pool -> 1x1. `factorized` replaces every 3x3 conv by 1x3 then 3x1 (same field, 6C^2 vs 9C^2).
 */
import { GraphBuilder } from '../graph/builder';
import { head } from './blocks';
import { headOption, type Template } from './template';

export const inception: Template = {
  name: 'inception',
  title: 'Inception module',
  description: 'Parallel 1x1 / 3x3 / double-3x3 (5x5) / pool paths concatenated; optional 1x3+3x1 factorisation.',
  input: [192, 28, 28],
  options: [
    { name: 'channels', default: 192, min: 1, doc: 'input channels' },
    { name: 'size', default: 28, min: 3, doc: 'input height and width' },
    { name: 'factorized', default: false, doc: 'replace each 3x3 conv by a 1x3 conv followed by a 3x1 conv' },
    headOption,
  ],
  build(o) {
    const b = new GraphBuilder(o.bool('factorized') ? 'inception-factorized' : 'inception');
    const x = b.input([o.num('channels'), o.num('size'), o.num('size')]);
    const cbr = (name: string, input: string, filters: number, kernel: number | number[] = 1) =>
      b.relu(`${name}_relu`, b.conv2d(name, input, { filters, kernel, autoPad: 'same' }));
    const conv3 = (name: string, input: string, filters: number) =>
      o.bool('factorized') ? cbr(`${name}_3x1`, cbr(`${name}_1x3`, input, filters, [1, 3]), filters, [3, 1]) : cbr(name, input, filters, 3);
    const p1 = cbr('b1_1x1', x, 64);
    const p2 = conv3('b2_3x3', cbr('b2_reduce', x, 96), 128);
    const p3 = conv3('b3_3x3b', conv3('b3_3x3a', cbr('b3_reduce', x, 16), 32), 32);
    const p4 = cbr('b4_proj', b.maxPool2d('b4_pool', x, { kernel: 3, stride: 1, pads: 1 }), 32);
    const out = b.concat('concat', [p1, p2, p3, p4]);
    const classes = o.num('classes');
    return b.build(classes > 0 ? head(b, out, classes) : out);
  },
};
