/**
 * BatchNorm over axis 1 (channels) for inputs of rank >= 2: [N, C], [N, C, L], [N, C, H, W], [N, C, D, H, W].
 * Statistics run over every axis except 1 (M = N * spatial values per channel).
 *
 *   training: mean, var = batch mean and biased batch variance;  y = gamma * (x - mean) / sqrt(var + eps) + beta
 *             running = running * momentum + batch * (1 - momentum)   (ONNX semantics, momentum 0.9)
 *             where the running variance takes the UNBIASED batch variance var * M / (M - 1), as PyTorch does.
 *             The new running stats come back in ForwardResult.state.
 *   eval:     the running stats replace the batch stats (a fixed per-channel affine map).
 *
 * Params: gamma [C] (ones) and beta [C] (zeros) trainable; runningMean [C] (zeros) and runningVar [C] (ones)
 * not trainable. Backward is exact in both modes; in training it includes the paths through mean and var:
 *   dx = gamma / sqrt(var + eps) / M * (M dy - sum(dy) - xhat * sum(dy * xhat)).
 * FLOPs: 8 per element, the training-mode count (stats 3, normalise + affine 5); a folded eval pass needs 2.
 */
import { Tensor, shapeToString } from '../tensor/tensor';
import { num } from './attrs';
import { expectInputs, expectMinRank, prod, savedOf } from './op-util';
import { defineOp, OpError, type ParamSpec } from './types';

export interface BatchNormAttrs {
  epsilon: number;
  momentum: number;
}

class BatchNormSaved {
  constructor(
    readonly xhat: Float32Array,
    /** 1 / sqrt(var + eps) per channel (batch var in training, running var in eval). */
    readonly invStd: Float64Array,
    readonly training: boolean,
  ) {}
}

export const batchNorm = defineOp<BatchNormAttrs>({
  type: 'BatchNorm',
  summary: 'Per-channel batch normalisation with learned scale and shift; running stats for eval.',
  category: 'norm',
  arity: 1,
  parseAttrs(raw) {
    const epsilon = num(raw, 'epsilon', 1e-5);
    const momentum = num(raw, 'momentum', 0.9);
    if (epsilon <= 0) throw new OpError(`BatchNorm: epsilon must be > 0, got ${epsilon}`);
    if (momentum < 0 || momentum > 1) throw new OpError(`BatchNorm: momentum must be in [0, 1], got ${momentum}`);
    return { epsilon, momentum };
  },
  params(shapes): ParamSpec[] {
    expectInputs('BatchNorm', shapes, 1);
    expectMinRank('BatchNorm', shapes[0], 2);
    const c = [shapes[0][1]];
    return [
      { name: 'gamma', shape: c, init: { kind: 'constant', value: 1 }, trainable: true },
      { name: 'beta', shape: c, init: { kind: 'constant', value: 0 }, trainable: true },
      { name: 'runningMean', shape: c, init: { kind: 'constant', value: 0 }, trainable: false },
      { name: 'runningVar', shape: c, init: { kind: 'constant', value: 1 }, trainable: false },
    ];
  },
  inferShape(shapes) {
    expectInputs('BatchNorm', shapes, 1);
    expectMinRank('BatchNorm', shapes[0], 2);
    return shapes[0];
  },
  forward(inputs, params, a, ctx) {
    const xt = inputs[0];
    const [n, c] = xt.shape;
    const inner = prod(xt.shape, 2);
    const m = n * inner;
    const x = xt.data;
    const { gamma, beta, runningMean, runningVar } = params;
    if (gamma.size !== c) throw new OpError(`BatchNorm: input ${shapeToString(xt.shape)} has ${c} channels but gamma has ${gamma.size}`);
    const mean = new Float64Array(c);
    const invStd = new Float64Array(c);
    let state: Record<string, Tensor> | undefined;
    if (ctx.training) {
      if (m < 2) throw new OpError(`BatchNorm: training needs more than one value per channel, got input ${shapeToString(xt.shape)}`);
      const newMean = new Tensor([c]);
      const newVar = new Tensor([c]);
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let i = 0; i < n; i++) {
          const base = (i * c + ch) * inner;
          for (let k = 0; k < inner; k++) s += x[base + k];
        }
        const mu = s / m;
        let v = 0;
        for (let i = 0; i < n; i++) {
          const base = (i * c + ch) * inner;
          for (let k = 0; k < inner; k++) {
            const d = x[base + k] - mu;
            v += d * d;
          }
        }
        const biased = v / m;
        mean[ch] = mu;
        invStd[ch] = 1 / Math.sqrt(biased + a.epsilon);
        newMean.data[ch] = runningMean.data[ch] * a.momentum + mu * (1 - a.momentum);
        newVar.data[ch] = runningVar.data[ch] * a.momentum + (v / (m - 1)) * (1 - a.momentum);
      }
      state = { runningMean: newMean, runningVar: newVar };
    } else {
      for (let ch = 0; ch < c; ch++) {
        mean[ch] = runningMean.data[ch];
        invStd[ch] = 1 / Math.sqrt(runningVar.data[ch] + a.epsilon);
      }
    }
    const out = new Tensor(xt.shape);
    const xhat = new Float32Array(x.length);
    for (let i = 0; i < n; i++) {
      for (let ch = 0; ch < c; ch++) {
        const base = (i * c + ch) * inner;
        const mu = mean[ch];
        const is = invStd[ch];
        const g = gamma.data[ch];
        const b = beta.data[ch];
        for (let k = 0; k < inner; k++) {
          const h = (x[base + k] - mu) * is;
          xhat[base + k] = h;
          out.data[base + k] = g * h + b;
        }
      }
    }
    return { output: out, saved: new BatchNormSaved(xhat, invStd, ctx.training), state };
  },
  backward(gradOut, saved, inputs, params) {
    const s = savedOf('BatchNorm', saved, BatchNormSaved);
    const [n, c] = inputs[0].shape;
    const inner = prod(inputs[0].shape, 2);
    const m = n * inner;
    const dy = gradOut.data;
    const dx = new Tensor(inputs[0].shape);
    const dgamma = new Tensor([c]);
    const dbeta = new Tensor([c]);
    for (let ch = 0; ch < c; ch++) {
      let sumDy = 0;
      let sumDyXhat = 0;
      for (let i = 0; i < n; i++) {
        const base = (i * c + ch) * inner;
        for (let k = 0; k < inner; k++) {
          sumDy += dy[base + k];
          sumDyXhat += dy[base + k] * s.xhat[base + k];
        }
      }
      dgamma.data[ch] = sumDyXhat;
      dbeta.data[ch] = sumDy;
      const scale = params.gamma.data[ch] * s.invStd[ch];
      for (let i = 0; i < n; i++) {
        const base = (i * c + ch) * inner;
        for (let k = 0; k < inner; k++) {
          const p = base + k;
          dx.data[p] = s.training ? (scale / m) * (m * dy[p] - sumDy - s.xhat[p] * sumDyXhat) : scale * dy[p];
        }
      }
    }
    return { inputs: [dx], params: { gamma: dgamma, beta: dbeta } };
  },
  flops: (shapes) => 8 * prod(shapes[0]),
});
