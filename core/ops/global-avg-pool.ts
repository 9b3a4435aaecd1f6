/** GlobalAvgPool: mean over all spatial axes of N x C x ..., output N x C x 1 x ... x 1 (any spatial rank). */
import { OpError, defineOp } from './types';
import { Tensor, shapeToString } from '../tensor/tensor';

export const globalAvgPool = defineOp<Record<string, never>>({
  type: 'GlobalAvgPool',
  summary: 'Average over every spatial position of each channel (N x C x ... -> N x C x 1 x ... x 1).',
  category: 'pool',
  arity: 1,
  parseAttrs: () => ({}),
  params: () => [],
  inferShape(shapes) {
    const s = shapes[0];
    if (s.length < 3) throw new OpError(`input must be N x C x spatial (3-d or more), got ${shapeToString(s)}`);
    return [s[0], s[1], ...s.slice(2).map(() => 1)];
  },
  forward(inputs) {
    const x = inputs[0];
    const planes = x.shape[0] * x.shape[1];
    const inner = planes === 0 ? 0 : x.size / planes;
    const y = new Tensor([x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)]);
    for (let p = 0; p < planes; p++) {
      let s = 0;
      const base = p * inner;
      for (let i = 0; i < inner; i++) s += x.data[base + i];
      y.data[p] = s / inner;
    }
    return { output: y };
  },
  backward(dy, _saved, inputs) {
    const x = inputs[0];
    const planes = x.shape[0] * x.shape[1];
    const inner = planes === 0 ? 0 : x.size / planes;
    const dx = new Tensor(x.shape);
    for (let p = 0; p < planes; p++) {
      const g = dy.data[p] / inner;
      dx.data.fill(g, p * inner, (p + 1) * inner);
    }
    return { inputs: [dx], params: {} };
  },
  flops: (shapes) => shapes[0].reduce((a, b) => a * b, 1),
  receptive: () => ({ kernel: 1, stride: 1, dilation: 1, global: true }),
});
