/**
 * A highway connection (Srivastava et al. 2015): y = T * H(x) + (1 - T) * x, with the transform
 * gate T = sigmoid(conv(x)) and the carry gate 1 - T computed exactly as sigmoid(-conv(x)).
 * Built only from Conv2D, ReLU, Neg, Sigmoid, Mul and Add.
 */
import { GraphBuilder } from '../graph/builder';
import { head } from './blocks';
import { headOption, type Template } from './template';

export const highway: Template = {
  name: 'highway',
  title: 'Highway connection',
  description: 'A gated skip: y = T*H(x) + (1-T)*x with a learned sigmoid gate T (the precursor of residual connections).',
  input: [32, 16, 16],
  options: [
    { name: 'channels', default: 32, min: 1, doc: 'channels (H keeps the width so x can be carried)' },
    { name: 'size', default: 16, min: 1, doc: 'input height and width' },
    { name: 'layers', default: 1, min: 1, doc: 'highway layers in sequence' },
    headOption,
  ],
  build(o) {
    const c = o.num('channels');
    const b = new GraphBuilder('highway');
    let x = b.input([c, o.num('size'), o.num('size')]);
    for (let i = 1; i <= o.num('layers'); i++) {
      const p = `hw${i}`;
      const h = b.relu(`${p}_H`, b.conv2d(`${p}_transform`, x, { filters: c, kernel: 3, pads: 1 }));
      const g = b.conv2d(`${p}_gate`, x, { filters: c, kernel: 1 });
      const t = b.sigmoid(`${p}_T`, g);
      const carry = b.sigmoid(`${p}_carry`, b.node('Neg', `${p}_neg`, g));
      x = b.add(`${p}_out`, [b.mul(`${p}_TH`, [t, h]), b.mul(`${p}_Cx`, [carry, x])]);
    }
    const classes = o.num('classes');
    return b.build(classes > 0 ? head(b, x, classes) : x);
  },
};
