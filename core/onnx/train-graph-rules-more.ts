/**
 * More backward rules in standard ONNX ops, each the core op's own derivative:
 *   ELU: dy (x > 0 ? 1 : y + alpha);  SELU: dy (x > 0 ? gamma : y + gamma alpha);  Softplus: dy sigmoid(x)
 *   Softsign: dy / (1 + |x|)^2;  Abs: dy sign(x);  Exp: dy y;  Neg: -dy
 *   GELU (exact): dy (Phi(x) + x phi(x)) with Phi = (1 + erf(x / sqrt 2)) / 2, phi the normal density
 *   Sub: dy, -dy;  Div: dy / b, -dy a / b^2
 *   Softmax: y (dy - sum(dy y));  LogSoftmax: dy - exp(y) sum(dy)   (along the op's axis)
 *   Transpose: the inverse permutation;  ChannelShuffle: the inverse shuffle (groups and C/groups swapped)
 */
import { channelShuffle } from '../ops/channel-shuffle';
import { elu } from '../ops/elu';
import { logSoftmax } from '../ops/log-softmax';
import { selu } from '../ops/selu';
import { softmax } from '../ops/softmax';
import { transpose } from '../ops/transpose';
import { sameShape } from '../tensor/tensor';
import { attrInts } from './export-context';
import type { TrainArgs, TrainRule } from './train-graph-rule-types';
import type { TrainBuilder } from './train-graph-builder';

function unary(f: (b: TrainBuilder, dy: string, x: string, y: string, a: TrainArgs) => string): TrainRule {
  return { backward: ({ a, b, dy, needInput }) => ({ inputs: [needInput[0] ? f(b, dy, a.inputs[0], a.out, a) : null], params: {} }) };
}

function positive(b: TrainBuilder, x: string): string {
  return b.op('Greater', [x, b.f32(0)]);
}

function axisOf(a: TrainArgs, axis: number): number {
  const r = a.outputShape.length;
  return axis < 0 ? axis + r : axis;
}

function binary(grads: (b: TrainBuilder, dy: string, x: string, y: string) => [string, string]): TrainRule {
  return {
    forward(a) {
      a.inputShapes.forEach((s, k) => {
        if (!sameShape(s, a.outputShape) || !sameShape(a.inputShapes2[k], a.inputShapes2[0])) a.refuse(`input ${k + 1} broadcasts; the training compiler supports equal shapes only`);
      });
      a.emit(a.node.op, a.inputs, [], true);
      return {};
    },
    backward({ a, b, dy, needInput }) {
      const [ga, gb] = grads(b, dy, a.inputs[0], a.inputs[1]);
      return { inputs: [needInput[0] ? ga : null, needInput[1] ? gb : null], params: {} };
    },
  };
}

export const moreRules: Readonly<Record<string, TrainRule>> = {
  ELU: unary((b, dy, x, y, a) => b.mul(dy, b.op('Where', [positive(b, x), b.f32(1), b.add(y, b.f32(a.attrs(elu).alpha))]))),
  SELU: unary((b, dy, x, y, a) => {
    const s = a.attrs(selu);
    return b.mul(dy, b.op('Where', [positive(b, x), b.f32(s.gamma), b.add(y, b.f32(s.gamma * s.alpha))]));
  }),
  Softplus: unary((b, dy, x) => b.mul(dy, b.op('Sigmoid', [x]))),
  Softsign: unary((b, dy, x) => {
    const d = b.add(b.f32(1), b.op('Abs', [x]));
    return b.div(dy, b.mul(d, d));
  }),
  Abs: unary((b, dy, x) => b.mul(dy, b.op('Sign', [x]))),
  Exp: unary((b, dy, _x, y) => b.mul(dy, y)),
  Neg: unary((b, dy) => b.op('Neg', [dy])),
  GELU: unary((b, dy, x) => {
    const cdf = b.mul(b.f32(0.5), b.add(b.f32(1), b.op('Erf', [b.mul(x, b.f32(Math.SQRT1_2))])));
    const pdf = b.mul(b.op('Exp', [b.mul(b.mul(x, x), b.f32(-0.5))]), b.f32(1 / Math.sqrt(2 * Math.PI)));
    return b.mul(dy, b.add(cdf, b.mul(x, pdf)));
  }),
  Sub: binary((b, dy) => [dy, b.op('Neg', [dy])]),
  Div: binary((b, dy, x, y) => [b.div(dy, y), b.op('Neg', [b.div(b.mul(dy, x), b.mul(y, y))])]),
  Softmax: unary((b, dy, _x, y, a) => {
    const axis = axisOf(a, a.attrs(softmax).axis);
    return b.mul(y, b.sub(dy, b.reduceSum(b.mul(dy, y), [axis], true)));
  }),
  LogSoftmax: unary((b, dy, _x, y, a) => {
    const axis = axisOf(a, a.attrs(logSoftmax).axis);
    return b.sub(dy, b.mul(b.op('Exp', [y]), b.reduceSum(dy, [axis], true)));
  }),
  Transpose: unary((b, dy, _x, _y, a) => {
    const r = a.inputShapes[0].length;
    const { perm } = a.attrs(transpose);
    const full = perm.length > 0 ? perm : [0, ...Array.from({ length: r - 1 }, (_, i) => r - 1 - i)];
    const inverse = new Array<number>(r);
    full.forEach((p, i) => (inverse[p] = i));
    return b.op('Transpose', [dy], [attrInts('perm', inverse)]);
  }),
  ChannelShuffle: unary((b, dy, x, _y, a) => {
    const { groups } = a.attrs(channelShuffle);
    const shape = a.inputShapes[0];
    const per = shape[1] / groups;
    const rest = shape.slice(2).reduce((s, d) => s * d, 1);
    const t = b.op('Transpose', [b.reshape(dy, [-1, per, groups, rest])], [attrInts('perm', [0, 2, 1, 3])]);
    return b.reshapeLike(t, x, `${a.node.name}/dx`);
  }),
};
