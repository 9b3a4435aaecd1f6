/**
 * LogSoftmax along one axis (default -1, ONNX opset-13 semantics): y = x - max - log(sum exp(x - max)).
 * Backward: dx = dy - softmax(x) * sum(dy) along the axis. FLOPs: 5 per element.
 */
import { Tensor } from '../tensor/tensor';
import { forEachAxisRow, inferAxisShape, parseAxisAttrs, type AxisAttrs } from './axis-rows';
import { prod, savedTensor } from './op-util';
import { defineOp } from './types';

export type LogSoftmaxAttrs = AxisAttrs;

export const logSoftmax = defineOp<LogSoftmaxAttrs>({
  type: 'LogSoftmax',
  summary: 'Log of the normalised exponentials along an axis (default the last).',
  category: 'activation',
  arity: 1,
  parseAttrs: parseAxisAttrs,
  params: () => [],
  inferShape: (shapes, a) => inferAxisShape('LogSoftmax', shapes, a),
  forward(inputs, _params, a) {
    const x = inputs[0].data;
    const out = new Tensor(inputs[0].shape);
    const y = out.data;
    forEachAxisRow('LogSoftmax', inputs[0].shape, a.axis, (base, len, inner) => {
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, x[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < len; k++) sum += Math.exp(x[base + k * inner] - max);
      const lse = max + Math.log(sum);
      for (let k = 0; k < len; k++) y[base + k * inner] = x[base + k * inner] - lse;
    });
    return { output: out, saved: out };
  },
  backward(gradOut, saved, inputs, _params, a) {
    const y = savedTensor('LogSoftmax', saved).data;
    const dy = gradOut.data;
    const dx = new Tensor(inputs[0].shape);
    forEachAxisRow('LogSoftmax', inputs[0].shape, a.axis, (base, len, inner) => {
      let sum = 0;
      for (let k = 0; k < len; k++) sum += dy[base + k * inner];
      for (let k = 0; k < len; k++) {
        const p = base + k * inner;
        dx.data[p] = dy[p] - Math.exp(y[p]) * sum;
      }
    });
    return { inputs: [dx], params: {} };
  },
  flops: (shapes) => 5 * prod(shapes[0]),
});
