/**
 * Flatten (ONNX semantics): [d0, ..., dn] -> [d0 * ... * d(axis-1), d(axis) * ... * dn]. Default axis 1 keeps
 * the batch dimension. Forward returns a view (shared data; tensors are never mutated in place);
 * backward copies the gradient into the input shape. FLOPs: 0.
 */
import { Tensor } from '../tensor/tensor';
import { int } from './attrs';
import { expectInputs, prod, resolveAxis } from './op-util';
import { defineOp } from './types';

export interface FlattenAttrs {
  axis: number;
}

export const flatten = defineOp<FlattenAttrs>({
  type: 'Flatten',
  summary: 'Flattens all dimensions from axis on (default: everything but the batch).',
  category: 'structure',
  arity: 1,
  parseAttrs: (raw) => ({ axis: int(raw, 'axis', 1) }),
  params: () => [],
  inferShape(shapes, a) {
    expectInputs('Flatten', shapes, 1);
    const s = shapes[0];
    const axis = resolveAxis('Flatten', a.axis, s, true);
    return [prod(s, 0, axis), prod(s, axis)];
  },
  forward(inputs, _params, a) {
    const x = inputs[0];
    const axis = resolveAxis('Flatten', a.axis, x.shape, true);
    return { output: x.reshape([prod(x.shape, 0, axis), prod(x.shape, axis)]) };
  },
  backward(gradOut, _saved, inputs) {
    // A copy, not a view: autograd may accumulate into the gradient it receives.
    return { inputs: [new Tensor(inputs[0].shape, gradOut.data.slice())], params: {} };
  },
  flops: () => 0,
});
