/**
 * NodeMeanPool, the readout for graph classification: the mean over nodes, [nodes, F] -> [1, F]
 * (one graph per forward; the output's batch dim is the single graph). Backward spreads dy / nodes
 * to every node. FLOPs: nodes * F (the sums and the scale).
 */
import { Tensor, shapeToString } from '../tensor/tensor';
import { expectInputs } from './op-util';
import { noAttrs } from './unary';
import { defineOp, OpError } from './types';

export const nodeMeanPool = defineOp({
  type: 'NodeMeanPool',
  summary: 'Graph readout: mean of the node features, nodes x F -> 1 x F.',
  category: 'graph',
  arity: 1,
  parseAttrs: noAttrs,
  params: () => [],
  inferShape(shapes) {
    expectInputs('NodeMeanPool', shapes, 1);
    const s = shapes[0];
    if (s.length !== 2 || s[0] < 1) throw new OpError(`NodeMeanPool: input must be nodes x features with at least one node, got ${shapeToString(s)}`);
    return [1, s[1]];
  },
  forward(inputs) {
    const [n, f] = inputs[0].shape;
    const x = inputs[0].data;
    const out = new Tensor([1, f]);
    for (let i = 0; i < n; i++) for (let k = 0; k < f; k++) out.data[k] += x[i * f + k];
    for (let k = 0; k < f; k++) out.data[k] /= n;
    return { output: out };
  },
  backward(gradOut, _saved, inputs) {
    const [n, f] = inputs[0].shape;
    const dx = new Tensor([n, f]);
    for (let i = 0; i < n; i++) for (let k = 0; k < f; k++) dx.data[i * f + k] = gradOut.data[k] / n;
    return { inputs: [dx], params: {} };
  },
  flops: (shapes) => shapes[0][0] * shapes[0][1],
});
