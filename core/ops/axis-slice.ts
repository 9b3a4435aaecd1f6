/**
 * Shared by Slice and StridedSlice: ONNX Slice's range rule for one axis, the axis check (the batch
 * axis is never sliced), and the output shape and index map for `count` elements
 * start, start + step, ... along that axis (forward gathers, backward scatters back).
 */
import { Tensor, type Shape } from '../tensor/tensor';
import { axisMapped, gather, scatterAdd } from './index-map';
import { resolveAxis } from './op-util';
import { OpError } from './types';

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

/** The sliced axis, resolved against the input; the batch axis is refused. */
export function sliceAxis(op: string, axis: number, x: Shape): number {
  const a = resolveAxis(op, axis, x);
  if (a === 0) throw new OpError(`${op}: the batch axis cannot be sliced`);
  return a;
}

/** `count` elements start, start + step, ... along `axis`. */
export interface AxisSlice {
  axis: number;
  start: number;
  count: number;
  step: number;
}

export function slicedShape(x: Shape, s: AxisSlice): Shape {
  return x.map((d, i) => (i === s.axis ? s.count : d));
}

function sliceMap(x: Shape, s: AxisSlice): { shape: Shape; map: Int32Array } {
  const shape = slicedShape(x, s);
  const tables = shape.map((o, i) => Int32Array.from({ length: o }, (_, j) => (i === s.axis ? s.start + j * s.step : j)));
  return { shape, map: axisMapped(shape, x, tables) };
}

export function gatherSlice(x: Tensor, s: AxisSlice): Tensor {
  const { shape, map } = sliceMap(x.shape, s);
  return gather(x, shape, map);
}

/** The adjoint of gatherSlice: dy scattered back into a zero tensor of the input's shape. */
export function scatterSlice(dy: Tensor, inShape: Shape, s: AxisSlice): Tensor {
  return scatterAdd(dy, inShape, sliceMap(inShape, s).map);
}
