/**
 * Add: elementwise sum of two or more inputs (residual connections). Inputs normally share one shape;
 * numpy broadcasting is allowed (e.g. adding a [1, C, 1, 1] tensor), and the gradient of a broadcast
 * input is summed back to its shape. FLOPs: (inputs - 1) per output element.
 */
import { Tensor, sizeOf } from '../tensor/tensor';
import { broadcastMap, broadcastShapes, reduceByMap } from './broadcast';
import { noAttrs } from './unary';
import { defineOp, OpError } from './types';

export const add = defineOp({
  type: 'Add',
  summary: 'Elementwise sum of its inputs (residual connections); numpy broadcasting allowed.',
  category: 'math',
  arity: [2, Infinity],
  parseAttrs: noAttrs,
  params: () => [],
  inferShape(shapes) {
    if (shapes.length < 2) throw new OpError(`Add: needs at least 2 inputs, got ${shapes.length}`);
    return broadcastShapes('Add', shapes);
  },
  forward(inputs) {
    const shape = broadcastShapes('Add', inputs.map((t) => t.shape));
    const out = new Tensor(shape);
    const y = out.data;
    for (const t of inputs) {
      const map = broadcastMap(t.shape, shape);
      const x = t.data;
      if (map) for (let p = 0; p < y.length; p++) y[p] += x[map[p]];
      else for (let p = 0; p < y.length; p++) y[p] += x[p];
    }
    return { output: out };
  },
  backward(gradOut, _saved, inputs) {
    const grads = inputs.map((t) => new Tensor(t.shape, reduceByMap(gradOut.data, broadcastMap(t.shape, gradOut.shape), t.size)));
    return { inputs: grads, params: {} };
  },
  flops: (shapes) => (shapes.length - 1) * sizeOf(broadcastShapes('Add', shapes)),
});
