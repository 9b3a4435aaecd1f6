/**
 * StridedSlice: every `step`-th element of one non-batch axis from `start` towards `end`
 * (exclusive), with ONNX Slice semantics: negative start/end count from the end, then they clamp
 * to [0, dim] for positive steps and to [0, dim-1] / [-1, dim-1] for negative steps (so
 * start -1, end -(dim+1), step -1 reverses the axis). Imported ONNX Slice with a step other than 1
 * becomes this op (step 1 stays the core Slice). Backward scatters the gradient back. FLOPs: 0.
 */
import { shapeToString, type Shape } from '../tensor/tensor';
import { int } from './attrs';
import { axisMapped, gather, scatterAdd } from './index-map';
import { expectInputs, resolveAxis } from './op-util';
import { defineOp, OpError } from './types';

export interface StridedSliceAttrs {
  axis: number;
  start: number;
  end: number;
  step: number;
}

/** ONNX Slice's rule for one axis of size `dim`: the clamped start and end and how many elements they select. */
export function resolveRange(dim: number, start: number, end: number, step: number): { start: number; end: number; count: number } {
  const s0 = start < 0 ? start + dim : start;
  const e0 = end < 0 ? end + dim : end;
  const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
  const s = step > 0 ? clamp(s0, 0, dim) : clamp(s0, 0, dim - 1);
  const e = step > 0 ? clamp(e0, 0, dim) : clamp(e0, -1, dim - 1);
  const count = step > 0 ? Math.max(0, Math.ceil((e - s) / step)) : Math.max(0, Math.ceil((s - e) / -step));
  return { start: s, end: e, count };
}

function plan(x: Shape, a: StridedSliceAttrs): { axis: number; start: number; count: number } {
  const axis = resolveAxis('StridedSlice', a.axis, x);
  if (axis === 0) throw new OpError('StridedSlice: the batch axis cannot be sliced');
  const r = resolveRange(x[axis], a.start, a.end, a.step);
  if (r.count === 0) throw new OpError(`StridedSlice: [${a.start}:${a.end}:${a.step}] on axis ${axis} of ${shapeToString(x)} is empty`);
  return { axis, start: r.start, count: r.count };
}

function sliceMap(x: Shape, a: StridedSliceAttrs): { shape: Shape; map: Int32Array } {
  const { axis, start, count } = plan(x, a);
  const shape = x.map((d, i) => (i === axis ? count : d));
  const tables = shape.map((o, i) => Int32Array.from({ length: o }, (_, j) => (i === axis ? start + j * a.step : j)));
  return { shape, map: axisMapped(shape, x, tables) };
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
    const { axis, count } = plan(shapes[0], a);
    return shapes[0].map((d, i) => (i === axis ? count : d));
  },
  forward(inputs, _params, a) {
    const { shape, map } = sliceMap(inputs[0].shape, a);
    return { output: gather(inputs[0], shape, map) };
  },
  backward(gradOut, _saved, inputs, _params, a) {
    const { map } = sliceMap(inputs[0].shape, a);
    return { inputs: [scatterAdd(gradOut, inputs[0].shape, map)], params: {} };
  },
  flops: () => 0,
});
