/**
 * Slice along one non-batch axis: `axis`, `start`, `end` (exclusive; negative counts from the end;
 * clamped like ONNX Slice), `step` 1. Imported ONNX Split becomes one Slice per output.
 * Backward scatters the gradient into the sliced range. FLOPs: 0.
 */
import { shapeToString, type Shape } from '../tensor/tensor';
import { int } from './attrs';
import { axisMapped, gather, scatterAdd } from './index-map';
import { expectInputs, resolveAxis } from './op-util';
import { defineOp, OpError } from './types';

export interface SliceAttrs {
  axis: number;
  start: number;
  end: number;
}

function range(x: Shape, a: SliceAttrs): { axis: number; s: number; e: number } {
  const axis = resolveAxis('Slice', a.axis, x);
  if (axis === 0) throw new OpError('Slice: the batch axis cannot be sliced');
  const n = x[axis];
  const clamp = (v: number): number => Math.min(n, Math.max(0, v < 0 ? v + n : v));
  const s = clamp(a.start);
  const e = clamp(a.end);
  if (e <= s) throw new OpError(`Slice: [${a.start}, ${a.end}) on axis ${axis} of ${shapeToString(x)} is empty`);
  return { axis, s, e };
}

function sliceMap(x: Shape, a: SliceAttrs): { shape: Shape; map: Int32Array } {
  const { axis, s, e } = range(x, a);
  const shape = x.map((d, i) => (i === axis ? e - s : d));
  const tables = shape.map((o, i) => Int32Array.from({ length: o }, (_, j) => (i === axis ? j + s : j)));
  return { shape, map: axisMapped(shape, x, tables) };
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
    const { axis, s, e } = range(shapes[0], a);
    return shapes[0].map((d, i) => (i === axis ? e - s : d));
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
