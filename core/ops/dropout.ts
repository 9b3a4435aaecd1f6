/**
 * Dropout (inverted): in training each element is kept with probability 1 - rate and scaled by
 * 1 / (1 - rate), so eval mode is the identity. The mask comes from ctx.rng (one draw per element, in
 * order), so a seeded run drops the same units. FLOPs: 1 per element (the training-mode scale).
 */
import { Tensor } from '../tensor/tensor';
import { num } from './attrs';
import { expectInputs, prod, savedOf } from './op-util';
import { defineOp, OpError } from './types';

export interface DropoutAttrs {
  rate: number;
}

class DropoutSaved {
  /** Per element: 0 (dropped) or 1 / (1 - rate) (kept); null in eval mode. */
  constructor(readonly mask: Float32Array | null) {}
}

export const dropout = defineOp<DropoutAttrs>({
  type: 'Dropout',
  summary: 'Randomly zeroes a fraction `rate` of activations in training (inverted scaling); identity in eval.',
  category: 'norm',
  arity: 1,
  parseAttrs(raw) {
    const rate = num(raw, 'rate', 0.5);
    if (rate < 0 || rate >= 1) throw new OpError(`Dropout: rate must be in [0, 1), got ${rate}`);
    return { rate };
  },
  params: () => [],
  inferShape(shapes) {
    expectInputs('Dropout', shapes, 1);
    return shapes[0];
  },
  forward(inputs, _params, a, ctx) {
    const x = inputs[0];
    if (!ctx.training || a.rate === 0) return { output: x, saved: new DropoutSaved(null) };
    const keep = 1 / (1 - a.rate);
    const mask = new Float32Array(x.size);
    const out = new Tensor(x.shape);
    for (let i = 0; i < mask.length; i++) {
      mask[i] = ctx.rng.next() >= a.rate ? keep : 0;
      out.data[i] = x.data[i] * mask[i];
    }
    return { output: out, saved: new DropoutSaved(mask) };
  },
  backward(gradOut, saved, inputs) {
    const { mask } = savedOf('Dropout', saved, DropoutSaved);
    const dx = new Tensor(inputs[0].shape, gradOut.data.slice());
    if (mask) for (let i = 0; i < mask.length; i++) dx.data[i] *= mask[i];
    return { inputs: [dx], params: {} };
  },
  flops: (shapes) => prod(shapes[0]),
});
