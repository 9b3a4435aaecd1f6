/** A ShuffleNet v1 unit (Zhang et al. 2018): grouped 1x1, channel shuffle, depthwise 3x3, grouped 1x1, + shortcut. */
import { GraphBuilder } from '../graph/builder';
import { head, shuffleUnit } from './blocks';
import { headOption, TemplateError, type Template } from './template';

export const shufflenet: Template = {
  name: 'shufflenet',
  title: 'ShuffleNet unit',
  description: 'Grouped 1x1 convs are cheap but isolate groups; a channel shuffle between them lets information cross.',
  input: [240, 28, 28],
  options: [
    { name: 'channels', default: 240, min: 1, doc: 'input channels' },
    { name: 'out', default: 240, min: 1, doc: 'output channels (stride 1: must equal the input channels)' },
    { name: 'groups', default: 3, min: 1, doc: 'g: groups of the 1x1 convs and of the shuffle' },
    { name: 'stride', default: 1, min: 1, doc: '1: add the input; 2: halve the map and concatenate a pooled input' },
    { name: 'size', default: 28, min: 2, doc: 'input height and width' },
    headOption,
  ],
  build(o) {
    if (o.num('stride') > 1 && o.num('out') <= o.num('channels')) {
      throw new TemplateError(`template "shufflenet": with stride ${o.num('stride')} the unit concatenates the pooled input, so out (${o.num('out')}) must exceed channels (${o.num('channels')}), e.g. out=${2 * o.num('channels')}`);
    }
    const b = new GraphBuilder('shufflenet');
    const x = b.input([o.num('channels'), o.num('size'), o.num('size')]);
    const u = shuffleUnit(b, 'unit', x, o.num('channels'), o.num('out'), o.num('groups'), o.num('stride'));
    const classes = o.num('classes');
    return b.build(classes > 0 ? head(b, u.x, classes) : u.x);
  },
};
