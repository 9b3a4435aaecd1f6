/**
 * Pad (ONNX semantics): `pads` lists begins then ends for every axis including batch and channels
 * (2 * rank integers; negative values crop), `mode` 'constant' | 'reflect' | 'edge', `value` the
 * constant fill (default 0). The batch axis cannot be padded. Reflect mirrors without repeating the
 * border (needs pad < size). Backward scatters the gradient back (reflect/edge accumulate onto the
 * reused elements). FLOPs: 0.
 */
import { shapeToString, type Shape } from '../tensor/tensor';
import { intList, num, str } from './attrs';
import { axisMapped, gather, scatterAdd } from './index-map';
import { expectInputs } from './op-util';
import { defineOp, OpError } from './types';

export type PadMode = 'constant' | 'reflect' | 'edge';

export interface PadAttrs {
  pads: number[];
  mode: PadMode;
  value: number;
}

function outShape(x: Shape, a: PadAttrs): Shape {
  const r = x.length;
  if (a.pads.length !== 2 * r) throw new OpError(`Pad: pads needs ${2 * r} values for input ${shapeToString(x)}, got ${a.pads.length}`);
  if (a.pads[0] !== 0 || a.pads[r] !== 0) throw new OpError('Pad: the batch axis cannot be padded');
  return x.map((d, i) => {
    const b = a.pads[i];
    const e = a.pads[i + r];
    const o = d + b + e;
    if (o <= 0) throw new OpError(`Pad: axis ${i} of ${shapeToString(x)} padded by [${b}, ${e}] leaves no elements`);
    if (a.mode === 'reflect' && (b >= d || e >= d) && (b > 0 || e > 0)) {
      throw new OpError(`Pad: reflect padding [${b}, ${e}] must be smaller than axis ${i} size ${d}`);
    }
    return o;
  });
}

function padMap(x: Shape, a: PadAttrs): { shape: Shape; map: Int32Array } {
  const shape = outShape(x, a);
  const tables = shape.map((o, axis) => {
    const n = x[axis];
    const begin = a.pads[axis];
    const t = new Int32Array(o);
    for (let j = 0; j < o; j++) {
      let i = j - begin;
      if (i < 0 || i >= n) {
        if (a.mode === 'constant') i = -1;
        else if (a.mode === 'edge') i = i < 0 ? 0 : n - 1;
        else {
          const period = 2 * (n - 1);
          i = n === 1 ? 0 : ((i % period) + period) % period;
          if (i >= n) i = period - i;
        }
      }
      t[j] = i;
    }
    return t;
  });
  return { shape, map: axisMapped(shape, x, tables) };
}

export const pad = defineOp<PadAttrs>({
  type: 'Pad',
  summary: 'Pads (or crops) every non-batch axis: constant, reflect or edge.',
  category: 'structure',
  arity: 1,
  parseAttrs: (raw) => ({ pads: intList(raw, 'pads'), mode: str(raw, 'mode', ['constant', 'reflect', 'edge'], 'constant'), value: num(raw, 'value', 0) }),
  params: () => [],
  inferShape(shapes, a) {
    expectInputs('Pad', shapes, 1);
    return outShape(shapes[0], a);
  },
  forward(inputs, _params, a) {
    const { shape, map } = padMap(inputs[0].shape, a);
    return { output: gather(inputs[0], shape, map, a.value) };
  },
  backward(gradOut, _saved, inputs, _params, a) {
    const { map } = padMap(inputs[0].shape, a);
    return { inputs: [scatterAdd(gradOut, inputs[0].shape, map)], params: {} };
  },
  flops: () => 0,
});
