/**
 * LogSoftmax along one axis (default -1, ONNX opset-13 semantics): y = x - max - log(sum exp(x - max)).
 * Backward: dx = dy - softmax(x) * sum(dy) along the axis. FLOPs: 5 per element.
 */
import { Tensor, type Shape } from '../tensor/tensor';
import { int } from './attrs';
import { expectInputs, prod, resolveAxis, savedTensor } from './op-util';
import { defineOp, OpError } from './types';

export interface LogSoftmaxAttrs {
  axis: number;
}

function split(shape: Shape, axis: number): [number, number, number] {
  const a = resolveAxis('LogSoftmax', axis, shape);
  return [prod(shape, 0, a), shape[a], prod(shape, a + 1)];
}

export const logSoftmax = defineOp<LogSoftmaxAttrs>({
  type: 'LogSoftmax',
  summary: 'Log of the normalised exponentials along an axis (default the last).',
  category: 'activation',
  arity: 1,
  parseAttrs: (raw) => ({ axis: int(raw, 'axis', -1) }),
  params: () => [],
  inferShape(shapes, a) {
    expectInputs('LogSoftmax', shapes, 1);
    if (shapes[0].length === 0) throw new OpError('LogSoftmax: input must have at least one dimension');
    resolveAxis('LogSoftmax', a.axis, shapes[0]);
    return shapes[0];
  },
  forward(inputs, _params, a) {
    const x = inputs[0].data;
    const [outer, len, inner] = split(inputs[0].shape, a.axis);
    const out = new Tensor(inputs[0].shape);
    const y = out.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let max = -Infinity;
        for (let k = 0; k < len; k++) max = Math.max(max, x[base + k * inner]);
        let sum = 0;
        for (let k = 0; k < len; k++) sum += Math.exp(x[base + k * inner] - max);
        const lse = max + Math.log(sum);
        for (let k = 0; k < len; k++) y[base + k * inner] = x[base + k * inner] - lse;
      }
    }
    return { output: out, saved: out };
  },
  backward(gradOut, saved, inputs, _params, a) {
    const y = savedTensor('LogSoftmax', saved).data;
    const dy = gradOut.data;
    const [outer, len, inner] = split(inputs[0].shape, a.axis);
    const dx = new Tensor(inputs[0].shape);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let sum = 0;
        for (let k = 0; k < len; k++) sum += dy[base + k * inner];
        for (let k = 0; k < len; k++) {
          const p = base + k * inner;
          dx.data[p] = dy[p] - Math.exp(y[p]) * sum;
        }
      }
    }
    return { inputs: [dx], params: {} };
  },
  flops: (shapes) => 5 * prod(shapes[0]),
});
