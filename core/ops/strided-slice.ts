/**
 * StridedSlice: every `step`-th element of one non-batch axis from `start` towards `end`
 * (exclusive), with ONNX Slice semantics: negative start/end count from the end, then they clamp
 * to [0, dim] for positive steps and to [0, dim-1] / [-1, dim-1] for negative steps (so
 * start -1, end -(dim+1), step -1 reverses the axis). Imported ONNX Slice with a step other than 1
 * becomes this op (step 1 stays the core Slice). Backward scatters the gradient back. FLOPs: 0.
 */
import { shapeToString, type Shape } from '../tensor/tensor';
import { int } from './attrs';
import { gatherSlice, resolveRange, scatterSlice, sliceAxis, slicedShape, type AxisSlice } from './axis-slice';
import { expectInputs } from './op-util';
import { defineOp, OpError } from './types';

export { resolveRange };

export interface StridedSliceAttrs {
  axis: number;
  start: number;
  end: number;
  step: number;
}

function plan(x: Shape, a: StridedSliceAttrs): AxisSlice {
  const axis = sliceAxis('StridedSlice', a.axis, x);
  const r = resolveRange(x[axis], a.start, a.end, a.step);
  if (r.count === 0) throw new OpError(`StridedSlice: [${a.start}:${a.end}:${a.step}] on axis ${axis} of ${shapeToString(x)} is empty`);
  return { axis, start: r.start, count: r.count, step: a.step };
}

export const stridedSlice = defineOp<StridedSliceAttrs>({
  type: 'StridedSlice',
  summary: 'Every step-th element along one axis (negative steps walk backwards).',
  category: 'structure',
  arity: 1,
  parseAttrs(raw) {
    const step = int(raw, 'step', 1);
    if (step === 0) throw new OpError('StridedSlice: step must not be 0');
    return { axis: int(raw, 'axis'), start: int(raw, 'start', step > 0 ? 0 : -1), end: int(raw, 'end'), step };
  },
  params: () => [],
  inferShape(shapes, a) {
    expectInputs('StridedSlice', shapes, 1);
    return slicedShape(shapes[0], plan(shapes[0], a));
  },
  forward: (inputs, _params, a) => ({ output: gatherSlice(inputs[0], plan(inputs[0].shape, a)) }),
  backward: (gradOut, _saved, inputs, _params, a) => ({
    inputs: [scatterSlice(gradOut, inputs[0].shape, plan(inputs[0].shape, a))],
    params: {},
  }),
  flops: () => 0,
});
