/**
 * Reshape: `shape` is the per-sample target shape; the batch dim is kept. One entry may be -1 (inferred),
 * and 0 copies the input's per-sample dim at that position (ONNX Reshape with allowzero = 0).
 * E.g. shape [16, 25] turns 8x16x5x5 into 8x16x25. FLOPs: 0.
 */
import { Tensor, shapeToString, type Shape } from '../tensor/tensor';
import { intList } from './attrs';
import { expectInputs, expectMinRank, prod } from './op-util';
import { defineOp, OpError } from './types';

export interface ReshapeAttrs {
  shape: number[];
}

function target(input: Shape, a: ReshapeAttrs): Shape {
  const per = input.slice(1);
  const dims = a.shape.map((d, i) => {
    if (d !== 0) return d;
    if (i >= per.length) throw new OpError(`Reshape: shape [${a.shape.join(', ')}] copies dim ${i} (0) but input ${shapeToString(input)} has no such per-sample dim`);
    return per[i];
  });
  const total = prod(per);
  const free = dims.indexOf(-1);
  if (free >= 0) {
    const known = dims.reduce((s, d, i) => (i === free ? s : s * d), 1);
    if (known === 0 || total % known !== 0) {
      throw new OpError(`Reshape: cannot reshape per-sample ${shapeToString(per)} (${total} values) into [${a.shape.join(', ')}]`);
    }
    dims[free] = total / known;
  }
  if (prod(dims) !== total) {
    throw new OpError(`Reshape: per-sample ${shapeToString(per)} has ${total} values but [${a.shape.join(', ')}] needs ${prod(dims)}`);
  }
  return [input[0], ...dims];
}

export const reshape = defineOp<ReshapeAttrs>({
  type: 'Reshape',
  summary: 'Reshapes each sample (batch dim kept); one -1 is inferred, 0 copies a dim.',
  category: 'structure',
  arity: 1,
  parseAttrs(raw) {
    const shape = intList(raw, 'shape');
    if (shape.filter((d) => d === -1).length > 1) throw new OpError(`Reshape: at most one -1 in shape, got [${shape.join(', ')}]`);
    if (shape.some((d) => d < -1)) throw new OpError(`Reshape: dims must be positive, 0 (copy) or -1 (infer), got [${shape.join(', ')}]`);
    return { shape };
  },
  params: () => [],
  inferShape(shapes, a) {
    expectInputs('Reshape', shapes, 1);
    expectMinRank('Reshape', shapes[0], 1);
    return target(shapes[0], a);
  },
  forward(inputs, _params, a) {
    return { output: inputs[0].reshape(target(inputs[0].shape, a)) };
  },
  backward(gradOut, _saved, inputs) {
    return { inputs: [new Tensor(inputs[0].shape, gradOut.data.slice())], params: {} };
  },
  flops: () => 0,
});
