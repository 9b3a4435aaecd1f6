/**
 * LRN, local response normalisation across channels (AlexNet / GoogLeNet), ONNX semantics:
 *   square_sum[n, c, ...] = sum of x[n, c', ...]^2 for c' in [c - floor((size-1)/2), c + ceil((size-1)/2)] (clipped)
 *   y = x / (bias + alpha / size * square_sum)^beta
 * Attributes: size (odd or even, required), alpha 1e-4, beta 0.75, bias 1.0.
 * Backward, with s = bias + alpha/size * square_sum:
 *   dx_c = dy_c s_c^-beta - 2 beta alpha/size x_c * sum over c'' whose window holds c of dy_c'' x_c'' s_c''^(-beta-1).
 * FLOPs: per element 2 * size (window squares and sums) + 4 (scale, pow, divide).
 */
import { Tensor } from '../tensor/tensor';
import { int, num } from './attrs';
import { expectInputs, expectMinRank, prod, savedOf } from './op-util';
import { defineOp, OpError } from './types';

export interface LRNAttrs {
  size: number;
  alpha: number;
  beta: number;
  bias: number;
}

class LRNSaved {
  /** s = bias + alpha/size * square_sum, per element. */
  constructor(readonly scale: Float64Array) {}
}

export const lrn = defineOp<LRNAttrs>({
  type: 'LRN',
  summary: 'Local response normalisation across neighbouring channels (AlexNet).',
  category: 'norm',
  arity: 1,
  parseAttrs(raw) {
    const a = { size: int(raw, 'size', undefined, 1), alpha: num(raw, 'alpha', 1e-4), beta: num(raw, 'beta', 0.75), bias: num(raw, 'bias', 1) };
    if (a.bias <= 0) throw new OpError(`LRN: bias must be > 0, got ${a.bias}`);
    if (a.alpha < 0) throw new OpError(`LRN: alpha must be >= 0, got ${a.alpha}`);
    return a;
  },
  params: () => [],
  inferShape(shapes) {
    expectInputs('LRN', shapes, 1);
    expectMinRank('LRN', shapes[0], 2);
    return shapes[0];
  },
  forward(inputs, _params, a) {
    const x = inputs[0].data;
    const [n, c] = inputs[0].shape;
    const inner = prod(inputs[0].shape, 2);
    const lo = Math.floor((a.size - 1) / 2);
    const hi = Math.ceil((a.size - 1) / 2);
    const k = a.alpha / a.size;
    const s = new Float64Array(x.length);
    const out = new Tensor(inputs[0].shape);
    for (let b = 0; b < n; b++) {
      for (let ch = 0; ch < c; ch++) {
        const from = Math.max(0, ch - lo);
        const to = Math.min(c - 1, ch + hi);
        for (let p = 0; p < inner; p++) {
          let sq = 0;
          for (let cc = from; cc <= to; cc++) {
            const v = x[(b * c + cc) * inner + p];
            sq += v * v;
          }
          const idx = (b * c + ch) * inner + p;
          s[idx] = a.bias + k * sq;
          out.data[idx] = x[idx] * Math.pow(s[idx], -a.beta);
        }
      }
    }
    return { output: out, saved: new LRNSaved(s) };
  },
  backward(gradOut, saved, inputs, _params, a) {
    const { scale: s } = savedOf('LRN', saved, LRNSaved);
    const x = inputs[0].data;
    const dy = gradOut.data;
    const [n, c] = inputs[0].shape;
    const inner = prod(inputs[0].shape, 2);
    const lo = Math.floor((a.size - 1) / 2);
    const hi = Math.ceil((a.size - 1) / 2);
    const k = a.alpha / a.size;
    // t = dy * x * s^(-beta-1), the shared factor of the cross-channel term.
    const t = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) t[i] = dy[i] * x[i] * Math.pow(s[i], -a.beta - 1);
    const dx = new Tensor(inputs[0].shape);
    for (let b = 0; b < n; b++) {
      for (let ch = 0; ch < c; ch++) {
        // Channel ch lies in the window of c'' when c'' - lo <= ch <= c'' + hi, i.e. c'' in [ch - hi, ch + lo].
        const from = Math.max(0, ch - hi);
        const to = Math.min(c - 1, ch + lo);
        for (let p = 0; p < inner; p++) {
          const idx = (b * c + ch) * inner + p;
          let cross = 0;
          for (let cc = from; cc <= to; cc++) cross += t[(b * c + cc) * inner + p];
          dx.data[idx] = dy[idx] * Math.pow(s[idx], -a.beta) - 2 * a.beta * k * x[idx] * cross;
        }
      }
    }
    return { inputs: [dx], params: {} };
  },
  flops: (shapes, a) => prod(shapes[0]) * (2 * a.size + 4),
});
