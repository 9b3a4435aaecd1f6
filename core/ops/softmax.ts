/**
 * Softmax along one axis (default -1, the ONNX opset-13 semantics): y = exp(x - max) / sum exp(x - max).
 * Backward: dx = y * (dy - sum(dy * y)) along the axis.
 * FLOPs: 5 per element (subtract, exp, sum, divide, and the max compare).
 */
import { Tensor } from '../tensor/tensor';
import { forEachAxisRow, inferAxisShape, parseAxisAttrs, type AxisAttrs } from './axis-rows';
import { prod, savedTensor } from './op-util';
import { defineOp } from './types';

export type SoftmaxAttrs = AxisAttrs;

export const softmax = defineOp<SoftmaxAttrs>({
  type: 'Softmax',
  summary: 'Normalised exponentials along an axis (default the last).',
  category: 'activation',
  arity: 1,
  parseAttrs: parseAxisAttrs,
  params: () => [],
  inferShape: (shapes, a) => inferAxisShape('Softmax', shapes, a),
  forward(inputs, _params, a) {
    const x = inputs[0].data;
    const out = new Tensor(inputs[0].shape);
    const y = out.data;
    forEachAxisRow('Softmax', inputs[0].shape, a.axis, (base, len, inner) => {
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, x[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < len; k++) {
        const e = Math.exp(x[base + k * inner] - max);
        y[base + k * inner] = e;
        sum += e;
      }
      for (let k = 0; k < len; k++) y[base + k * inner] /= sum;
    });
    return { output: out, saved: out };
  },
  backward(gradOut, saved, inputs, _params, a) {
    const y = savedTensor('Softmax', saved).data;
    const dy = gradOut.data;
    const dx = new Tensor(inputs[0].shape);
    forEachAxisRow('Softmax', inputs[0].shape, a.axis, (base, len, inner) => {
      let dot = 0;
      for (let k = 0; k < len; k++) dot += dy[base + k * inner] * y[base + k * inner];
      for (let k = 0; k < len; k++) {
        const p = base + k * inner;
        dx.data[p] = y[p] * (dy[p] - dot);
      }
    });
    return { inputs: [dx], params: {} };
  },
  flops: (shapes) => 5 * prod(shapes[0]),
});
