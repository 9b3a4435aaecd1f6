/**
 * Softmax along one axis (default -1, the ONNX opset-13 semantics): y = exp(x - max) / sum exp(x - max).
 * Backward: dx = y * (dy - sum(dy * y)) along the axis.
 * FLOPs: 5 per element (subtract, exp, sum, divide, and the max compare).
 */
import { Tensor, type Shape } from '../tensor/tensor';
import { int } from './attrs';
import { expectInputs, prod, resolveAxis, savedTensor } from './op-util';
import { defineOp, OpError } from './types';

export interface SoftmaxAttrs {
  axis: number;
}

/** [outer, len, inner] around the axis. */
function split(shape: Shape, axis: number): [number, number, number] {
  const a = resolveAxis('Softmax', axis, shape);
  return [prod(shape, 0, a), shape[a], prod(shape, a + 1)];
}

export const softmax = defineOp<SoftmaxAttrs>({
  type: 'Softmax',
  summary: 'Normalised exponentials along an axis (default the last).',
  category: 'activation',
  arity: 1,
  parseAttrs: (raw) => ({ axis: int(raw, 'axis', -1) }),
  params: () => [],
  inferShape(shapes, a) {
    expectInputs('Softmax', shapes, 1);
    if (shapes[0].length === 0) throw new OpError('Softmax: input must have at least one dimension');
    resolveAxis('Softmax', a.axis, shapes[0]);
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
        for (let k = 0; k < len; k++) {
          const e = Math.exp(x[base + k * inner] - max);
          y[base + k * inner] = e;
          sum += e;
        }
        for (let k = 0; k < len; k++) y[base + k * inner] /= sum;
      }
    }
    return { output: out, saved: out };
  },
  backward(gradOut, saved, inputs, _params, a) {
    const y = savedTensor('Softmax', saved).data;
    const dy = gradOut.data;
    const [outer, len, inner] = split(inputs[0].shape, a.axis);
    const dx = new Tensor(inputs[0].shape);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let dot = 0;
        for (let k = 0; k < len; k++) dot += dy[base + k * inner] * y[base + k * inner];
        for (let k = 0; k < len; k++) {
          const p = base + k * inner;
          dx.data[p] = y[p] * (dy[p] - dot);
        }
      }
    }
    return { inputs: [dx], params: {} };
  },
  flops: (shapes) => 5 * prod(shapes[0]),
});
