/**
 * Concat: joins two or more inputs along `axis` (default 1, the channel axis, for Inception and DenseNet).
 * All other dims must match. Backward slices the gradient back into the inputs. FLOPs: 0 (copies only).
 */
import { Tensor, shapeToString, type Shape } from '../tensor/tensor';
import { int } from './attrs';
import { prod, resolveAxis } from './op-util';
import { defineOp, OpError } from './types';

export interface ConcatAttrs {
  axis: number;
}

function mismatch(a: Shape, b: Shape, axis: number): string {
  // Name the part that differs: the spatial dims for channel concat of feature maps, else the full shapes.
  const batchSame = a.length === b.length && a[0] === b[0];
  if (axis === 1 && a.length > 2 && batchSame) return `${shapeToString(a.slice(2))} vs ${shapeToString(b.slice(2))}`;
  return `${shapeToString(a)} vs ${shapeToString(b)}`;
}

function concatShape(shapes: readonly Shape[], attrs: ConcatAttrs): { shape: Shape; axis: number } {
  if (shapes.length < 1) throw new OpError('Concat: needs at least 1 input');
  const first = shapes[0];
  const axis = resolveAxis('Concat', attrs.axis, first);
  let total = 0;
  shapes.forEach((s, i) => {
    const bad = s.length !== first.length || s.some((d, k) => k !== axis && d !== first[k]);
    if (bad) {
      throw new OpError(
        `Concat: ${mismatch(first, s, axis)} (input 0 is ${shapeToString(first)}, input ${i} is ${shapeToString(s)}; ` +
          `all dims except axis ${axis} must match)`,
      );
    }
    total += s[axis];
  });
  const shape = [...first];
  shape[axis] = total;
  return { shape, axis };
}

export const concat = defineOp<ConcatAttrs>({
  type: 'Concat',
  summary: 'Joins inputs along an axis (default channels).',
  category: 'structure',
  arity: [1, Infinity],
  parseAttrs: (raw) => ({ axis: int(raw, 'axis', 1) }),
  params: () => [],
  inferShape: (shapes, a) => concatShape(shapes, a).shape,
  forward(inputs, _params, a) {
    const { shape, axis } = concatShape(
      inputs.map((t) => t.shape),
      a,
    );
    const out = new Tensor(shape);
    const outer = prod(shape, 0, axis);
    const rowOut = prod(shape, axis);
    let offset = 0;
    for (const t of inputs) {
      const row = prod(t.shape, axis);
      for (let o = 0; o < outer; o++) out.data.set(t.data.subarray(o * row, (o + 1) * row), o * rowOut + offset);
      offset += row;
    }
    return { output: out };
  },
  backward(gradOut, _saved, inputs, _params, a) {
    const axis = resolveAxis('Concat', a.axis, gradOut.shape);
    const outer = prod(gradOut.shape, 0, axis);
    const rowOut = prod(gradOut.shape, axis);
    let offset = 0;
    const grads = inputs.map((t) => {
      const row = prod(t.shape, axis);
      const g = new Tensor(t.shape);
      for (let o = 0; o < outer; o++) g.data.set(gradOut.data.subarray(o * rowOut + offset, o * rowOut + offset + row), o * row);
      offset += row;
      return g;
    });
    return { inputs: grads, params: {} };
  },
  flops: () => 0,
});
