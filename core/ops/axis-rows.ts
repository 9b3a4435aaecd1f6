/**
 * Shared by the ops that normalise along one axis (Softmax, LogSoftmax): the `axis` attribute
 * (default -1, ONNX opset-13 semantics), the shape check, and the walk over every row along the axis.
 */
import { type Shape } from '../tensor/tensor';
import { int } from './attrs';
import { expectInputs, prod, resolveAxis } from './op-util';
import { OpError, type RawAttrs } from './types';

export interface AxisAttrs {
  axis: number;
}

export function parseAxisAttrs(raw: RawAttrs): AxisAttrs {
  return { axis: int(raw, 'axis', -1) };
}

/** One input of rank >= 1 with the axis in range; the output has the input's shape. */
export function inferAxisShape(op: string, shapes: readonly Shape[], a: AxisAttrs): Shape {
  expectInputs(op, shapes, 1);
  if (shapes[0].length === 0) throw new OpError(`${op}: input must have at least one dimension`);
  resolveAxis(op, a.axis, shapes[0]);
  return shapes[0];
}

/**
 * Calls row(base, len, stride) once per row along the axis, in memory order of the rows;
 * the row's elements sit at base + k * stride for k < len.
 */
export function forEachAxisRow(
  op: string,
  shape: Shape,
  axis: number,
  row: (base: number, len: number, stride: number) => void,
): void {
  const a = resolveAxis(op, axis, shape);
  const outer = prod(shape, 0, a);
  const len = shape[a];
  const inner = prod(shape, a + 1);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) row(o * len * inner + i, len, inner);
  }
}
