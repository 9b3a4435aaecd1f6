/**
 * MobileNet's depthwise-separable block (Howard et al. 2017): a KxK depthwise conv (groups = M,
 * K*K*M weights) then a 1x1 pointwise conv (M*N weights), vs a standard KxK conv's K*K*M*N.
 * `variant: standard` builds the standard conv instead, for comparison. Convs have no bias (BN follows).
 */
import { GraphBuilder } from '../graph/builder';
import { convBn, head, separableBlock } from './blocks';
import { headOption, type Template } from './template';

export const mobilenet: Template = {
  name: 'mobilenet',
  title: 'MobileNet depthwise-separable block',
  description: 'Depthwise KxK + pointwise 1x1: K*K*M + M*N weights instead of K*K*M*N.',
  input: [32, 32, 32],
  options: [
    { name: 'channels', default: 32, min: 1, doc: 'M: input channels' },
    { name: 'out', default: 64, min: 1, doc: 'N: output channels' },
    { name: 'kernel', default: 3, min: 1, doc: 'K: depthwise kernel size' },
    { name: 'stride', default: 1, min: 1, doc: 'stride of the depthwise conv' },
    { name: 'size', default: 32, min: 1, doc: 'input height and width' },
    { name: 'variant', default: 'separable', choices: ['separable', 'standard'], doc: 'the separable block or a standard conv' },
    headOption,
  ],
  build(o) {
    const m = o.num('channels');
    const n = o.num('out');
    const b = new GraphBuilder(o.str('variant') === 'standard' ? 'mobilenet-standard' : 'mobilenet');
    const x = b.input([m, o.num('size'), o.num('size')]);
    const y =
      o.str('variant') === 'standard'
        ? convBn(b, 'standard', x, n, o.num('kernel'), { stride: o.num('stride') })
        : separableBlock(b, 'sep', x, m, n, o.num('kernel'), o.num('stride')).x;
    const classes = o.num('classes');
    return b.build(classes > 0 ? head(b, y, classes) : y);
  },
};
