/**
 * Slice along one non-batch axis: `axis`, `start`, `end` (exclusive; negative counts from the end;
 * clamped like ONNX Slice), `step` 1. Imported ONNX Split becomes one Slice per output.
 * Backward scatters the gradient into the sliced range. FLOPs: 0.
 */
import { shapeToString, type Shape } from '../tensor/tensor';
import { int } from './attrs';
import { gatherSlice, resolveRange, scatterSlice, sliceAxis, slicedShape, type AxisSlice } from './axis-slice';
import { expectInputs } from './op-util';
import { defineOp, OpError } from './types';

export interface SliceAttrs {
  axis: number;
  start: number;
  end: number;
}

function plan(x: Shape, a: SliceAttrs): AxisSlice {
  const axis = sliceAxis('Slice', a.axis, x);
  const r = resolveRange(x[axis], a.start, a.end, 1);
  if (r.count === 0) throw new OpError(`Slice: [${a.start}, ${a.end}) on axis ${axis} of ${shapeToString(x)} is empty`);
  return { axis, start: r.start, count: r.count, step: 1 };
}

export const slice = defineOp<SliceAttrs>({
  type: 'Slice',
  summary: 'A contiguous range along one axis.',
  category: 'structure',
  arity: 1,
  parseAttrs: (raw) => ({ axis: int(raw, 'axis'), start: int(raw, 'start', 0), end: int(raw, 'end') }),
  params: () => [],
  inferShape(shapes, a) {
    expectInputs('Slice', shapes, 1);
    return slicedShape(shapes[0], plan(shapes[0], a));
  },
  forward: (inputs, _params, a) => ({ output: gatherSlice(inputs[0], plan(inputs[0].shape, a)) }),
  backward: (gradOut, _saved, inputs, _params, a) => ({
    inputs: [scatterSlice(gradOut, inputs[0].shape, plan(inputs[0].shape, a))],
    params: {},
  }),
  flops: () => 0,
});
