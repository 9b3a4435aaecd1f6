/**
 * Backward rules in standard ONNX ops for activations, structure, Dense, BatchNorm (training-mode
 * forward through reductions) and Dropout (mask fed from the core's seeded RNG). Conv and pool
 * rules live in train-graph-rules-conv.ts. Each rule mirrors the core op's own backward:
 *   ReLU: dy where x > 0;  LeakyReLU: dy or alpha dy;  Sigmoid: dy y (1 - y);  Tanh: dy (1 - y^2)
 *   Dense: dx = dy W, dW = dy^T x, db = sum_n dy;  Flatten/Reshape: dy reshaped to x
 *   Concat: Split(dy);  Add: dy to every input;  Mul: dy times the other input
 *   BatchNorm: dx = gamma invStd (dy - mean(dy) - xhat mean(dy xhat)), dgamma = sum dy xhat, dbeta = sum dy
 *              (computed from the centred input without materialising xhat; see batchNormRule)
 */
import { batchNorm } from '../ops/batch-norm';
import { concat } from '../ops/concat';
import { dropout } from '../ops/dropout';
import { leakyRelu } from '../ops/leaky-relu';
import { sameShape } from '../tensor/tensor';
import { attrInt, attrInts } from './export-context';
import type { BackwardArgs, BackwardOut, TrainArgs, TrainRule } from './train-graph-rule-types';
import type { TrainBuilder } from './train-graph-builder';

const only = (dx: string | null): BackwardOut => ({ inputs: [dx], params: {} });

/** Elementwise rule: dx = f(dy, x, y). */
function unary(f: (b: TrainBuilder, dy: string, x: string, y: string, a: TrainArgs) => string): TrainRule {
  return { backward: ({ a, b, dy, needInput }) => only(needInput[0] ? f(b, dy, a.inputs[0], a.out, a) : null) };
}

/** Refuses inputs that broadcast (shapes differ at batch 1 or 2): their gradients would need reducing. */
function sameShapes(a: TrainArgs): void {
  a.inputShapes.forEach((s, k) => {
    if (!sameShape(s, a.outputShape) || !sameShape(a.inputShapes2[k], a.inputShapes2[0])) {
      a.refuse(`input ${k + 1} broadcasts (${s.join('x')} to ${a.outputShape.join('x')}); the training compiler supports equal shapes only`);
    }
  });
}

const reluRule = unary((b, dy, x) => b.op('Where', [b.op('Greater', [x, b.f32(0)]), dy, b.f32(0)], [], 'relu_grad'));

const leakyRule = unary((b, dy, x, _y, a) => {
  const alpha = a.attrs(leakyRelu).alpha;
  return b.op('Where', [b.op('Greater', [x, b.f32(0)]), dy, b.mul(dy, b.f32(alpha))], [], 'leaky_grad');
});

const sigmoidRule = unary((b, dy, _x, y) => b.mul(dy, b.mul(y, b.sub(b.f32(1), y))));
const tanhRule = unary((b, dy, _x, y) => b.mul(dy, b.sub(b.f32(1), b.mul(y, y))));
const identityRule = unary((_b, dy) => dy);
const reshapeRule = unary((b, dy, x) => b.reshapeLike(dy, x, 'reshape_grad'));

const denseRule: TrainRule = {
  backward({ a, b, dy, needInput }) {
    const w = a.paramInit('weight');
    const params: Record<string, string> = { weight: b.op('Gemm', [dy, a.inputs[0]], [attrInt('transA', 1)], `${a.node.name}/dW`) };
    if ('bias' in a.paramInputs) params.bias = b.reduceSum(dy, [0], false, `${a.node.name}/db`);
    return { inputs: [needInput[0] ? b.op('MatMul', [dy, w], [], `${a.node.name}/dx`) : null], params };
  },
};

const concatRule: TrainRule = {
  backward({ a, b, dy, needInput }) {
    const rank = a.outputShape.length;
    const raw = a.attrs(concat).axis;
    const axis = raw < 0 ? raw + rank : raw;
    if (axis === 0) a.refuse('concatenation along the batch axis cannot be trained');
    const sizes = a.inputShapes.map((s) => s[axis]);
    const parts = b.opN('Split', [dy, b.i64(sizes)], sizes.length, [attrInt('axis', axis)], `${a.node.name}/split`);
    return { inputs: parts.map((p, k) => (needInput[k] ? p : null)), params: {} };
  },
};

const addRule: TrainRule = {
  forward(a) {
    sameShapes(a);
    a.emit(a.inputs.length === 2 ? 'Add' : 'Sum', a.inputs, [], true);
    return {};
  },
  backward: ({ a, dy, needInput }) => ({ inputs: a.inputs.map((_, k) => (needInput[k] ? dy : null)), params: {} }),
};

const mulRule: TrainRule = {
  forward(a) {
    sameShapes(a);
    if (a.inputs.length !== 2) a.refuse('the training compiler supports Mul of two inputs');
    a.emit('Mul', a.inputs, [], true);
    return {};
  },
  backward: ({ a, b, dy, needInput }) => ({
    inputs: [needInput[0] ? b.mul(dy, a.inputs[1]) : null, needInput[1] ? b.mul(dy, a.inputs[0]) : null],
    params: {},
  }),
};

const dropoutRule: TrainRule = {
  forward(a) {
    if (a.attrs(dropout).rate === 0 || !a.mask) {
      a.emit('Identity', [a.inputs[0]], [], true);
      return {};
    }
    a.emit('Mul', [a.inputs[0], a.mask], [], true);
    return {};
  },
  backward: ({ a, b, dy, needInput }) => only(needInput[0] ? (a.mask ? b.mul(dy, a.mask, `${a.node.name}/dx`) : dy) : null),
};

/** Axes every BatchNorm statistic runs over: all but the channels (axis 1). */
function statAxes(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
}

/**
 * BatchNorm in training mode with fewer passes over the activations: xhat is never materialised and
 * the variance is one ReduceSumSquare (5 full-size ops forward instead of 7, 7 backward as before). With d = x - mean,
 * invStd = 1 / sqrt(mean(d^2) + eps), scale = gamma invStd, m = the values per channel:
 *   y = d scale + beta;  dgamma = invStd sum(dy d);  dbeta = sum(dy);
 *   dx = scale (dy - sum(dy)/m) - d scale invStd^2 sum(dy d)/m   (= gamma invStd (dy - mean(dy) - xhat mean(dy xhat)))
 */
const batchNormRule: TrainRule = {
  forward(a, b) {
    const { epsilon, momentum } = a.attrs(batchNorm);
    const rank = a.inputShapes[0].length;
    const c = a.inputShapes[0][1];
    const axes = statAxes(rank);
    const bshape = [1, c, ...new Array<number>(rank - 2).fill(1)];
    const x = a.inputs[0];
    const p = (n: string): string => a.paramInit(n);
    const name = a.node.name;
    const mean = b.reduceMean(x, axes, true, `${name}/mean`);
    const d = b.sub(x, mean, `${name}/centered`);
    const m = b.countOver(x, axes, `${name}/m`);
    // ReduceSumSquare takes its axes as an attribute until opset 18.
    const sumSq = b.ctx.opset >= 18 ? b.op('ReduceSumSquare', [d, b.i64(axes)], [attrInt('keepdims', 1)], `${name}/sum_sq`) : b.op('ReduceSumSquare', [d], [attrInts('axes', axes), attrInt('keepdims', 1)], `${name}/sum_sq`);
    const v = b.div(sumSq, m, `${name}/var`);
    const invStd = b.op('Reciprocal', [b.op('Sqrt', [b.add(v, b.f32(epsilon))])], [], `${name}/inv_std`);
    const gammaB = b.reshape(p('gamma'), bshape, `${name}/gamma_b`);
    const betaB = b.reshape(p('beta'), bshape, `${name}/beta_b`);
    const scale = b.mul(gammaB, invStd, `${name}/scale`);
    b.opTo(a.out, 'Add', [b.mul(d, scale), betaB]);
    const unbiased = b.div(m, b.sub(m, b.f32(1)), `${name}/bessel`);
    const keep = b.f32(momentum);
    const take = b.f32(1 - momentum);
    const newMean = b.add(b.mul(p('runningMean'), keep), b.mul(b.reshape(mean, [c]), take), `${name}/new_mean`);
    const newVar = b.add(b.mul(p('runningVar'), keep), b.mul(b.mul(b.reshape(v, [c]), unbiased), take), `${name}/new_var`);
    return { saved: { d, invStd, scale, m }, state: { runningMean: newMean, runningVar: newVar } };
  },
  backward({ a, b, dy, saved, needInput }) {
    const rank = a.inputShapes[0].length;
    const c = a.inputShapes[0][1];
    const axes = statAxes(rank);
    const name = a.node.name;
    const sumDy = b.reduceSum(dy, axes, true, `${name}/sum_dy`);
    const sumDyD = b.reduceSum(b.mul(dy, saved.d), axes, true, `${name}/sum_dy_d`);
    const params = { gamma: b.reshape(b.mul(sumDyD, saved.invStd), [c], `${name}/dgamma`), beta: b.reshape(sumDy, [c], `${name}/dbeta`) };
    if (!needInput[0]) return { inputs: [null], params };
    // Per-channel factors first (small tensors), then three passes over the activations.
    const meanDy = b.div(sumDy, saved.m, `${name}/mean_dy`);
    const coef = b.div(b.mul(b.mul(saved.scale, b.mul(saved.invStd, saved.invStd)), sumDyD), saved.m, `${name}/coef`);
    const centeredDy = b.sub(dy, meanDy, `${name}/dy_c`);
    const dx = b.sub(b.mul(centeredDy, saved.scale), b.mul(saved.d, coef), `${name}/dx`);
    return { inputs: [dx], params };
  },
};

export const basicRules: Readonly<Record<string, TrainRule>> = {
  ReLU: reluRule,
  LeakyReLU: leakyRule,
  Sigmoid: sigmoidRule,
  Tanh: tanhRule,
  Identity: identityRule,
  Flatten: reshapeRule,
  Reshape: reshapeRule,
  Dense: denseRule,
  Concat: concatRule,
  Add: addRule,
  Mul: mulRule,
  Dropout: dropoutRule,
  BatchNorm: batchNormRule,
};
