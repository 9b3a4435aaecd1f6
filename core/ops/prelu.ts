/**
 * PReLU (ONNX PRelu): y = x for x > 0, slope * x otherwise, with a learned `slope` that broadcasts
 * to the input numpy-style (right-aligned). attrs `slopeShape` (default [1], one shared slope;
 * [C, 1, 1] for one slope per channel of an N x C x H x W input). Params: slope (0.25, trainable).
 * Backward: dx = dy * (x > 0 ? 1 : slope), dslope = sum over broadcast of dy * (x > 0 ? 0 : x).
 * FLOPs: 2 per element.
 */
import { Tensor, sameShape, shapeToString, sizeOf, type Shape } from '../tensor/tensor';
import { intList } from './attrs';
import { broadcastMap, broadcastShapes, reduceByMap } from './broadcast';
import { expectInputs } from './op-util';
import { defineOp, OpError } from './types';

export interface PReLUAttrs {
  slopeShape: number[];
}

function check(shapes: readonly Shape[], a: PReLUAttrs): Shape {
  expectInputs('PReLU', shapes, 1);
  const x = shapes[0];
  const out = broadcastShapes('PReLU', [x, a.slopeShape]);
  if (!sameShape(out, x)) throw new OpError(`PReLU: slope ${shapeToString(a.slopeShape)} does not broadcast to input ${shapeToString(x)}`);
  return x;
}

export const prelu = defineOp<PReLUAttrs>({
  type: 'PReLU',
  summary: 'Parametric ReLU: a learned slope for negative inputs (shared or per channel).',
  category: 'activation',
  arity: 1,
  parseAttrs(raw) {
    const slopeShape = intList(raw, 'slopeShape', [1]);
    if (!slopeShape.every((d) => d >= 1)) throw new OpError(`PReLU: slopeShape must be positive, got [${slopeShape.join(', ')}]`);
    return { slopeShape };
  },
  params: (_shapes, a) => [{ name: 'slope', shape: a.slopeShape, init: { kind: 'constant', value: 0.25 }, trainable: true }],
  inferShape: check,
  forward(inputs, params, a) {
    const x = inputs[0];
    check([x.shape], a);
    const s = params.slope;
    if (!s || sizeOf(s.shape) !== sizeOf(a.slopeShape)) throw new OpError(`PReLU: missing or mis-shaped param "slope"`);
    const m = broadcastMap(a.slopeShape, x.shape);
    const out = new Tensor(x.shape);
    for (let p = 0; p < x.size; p++) {
      const v = x.data[p];
      out.data[p] = v > 0 ? v : s.data[m ? m[p] : p] * v;
    }
    return { output: out };
  },
  backward(gradOut, _saved, inputs, params, a) {
    const x = inputs[0];
    const s = params.slope;
    const m = broadcastMap(a.slopeShape, x.shape);
    const dx = new Tensor(x.shape);
    const ds = new Float32Array(x.size);
    for (let p = 0; p < x.size; p++) {
      const v = x.data[p];
      const g = gradOut.data[p];
      if (v > 0) dx.data[p] = g;
      else {
        dx.data[p] = g * s.data[m ? m[p] : p];
        ds[p] = g * v;
      }
    }
    return { inputs: [dx], params: { slope: new Tensor(a.slopeShape, reduceByMap(ds, m, sizeOf(a.slopeShape))) } };
  },
  flops: (shapes) => 2 * sizeOf(shapes[0]),
});
