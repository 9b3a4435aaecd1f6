/**
 * Transpose: permutes axes, `perm` over every axis including batch, which must stay first
 * (perm[0] = 0). Default: reverse the non-batch axes. Backward applies the inverse permutation
 * (as a scatter through the same index map). FLOPs: 0.
 */
import { shapeToString, sizeOf, stridesOf, type Shape } from '../tensor/tensor';
import { gather, scatterAdd } from './index-map';
import { expectInputs } from './op-util';
import { defineOp, OpError } from './types';

export interface TransposeAttrs {
  /** Empty: reverse the non-batch axes. */
  perm: number[];
}

function permOf(x: Shape, a: TransposeAttrs): number[] {
  const r = x.length;
  const perm = a.perm.length > 0 ? a.perm : [0, ...Array.from({ length: r - 1 }, (_, i) => r - 1 - i)];
  const ok = perm.length === r && [...perm].sort((p, q) => p - q).every((v, i) => v === i);
  if (!ok) throw new OpError(`Transpose: perm [${perm.join(', ')}] is not a permutation of the ${r} axes of ${shapeToString(x)}`);
  if (perm[0] !== 0) throw new OpError(`Transpose: the batch axis must stay first, got perm [${perm.join(', ')}]`);
  return perm;
}

function transposeMap(x: Shape, a: TransposeAttrs): { shape: Shape; map: Int32Array } {
  const perm = permOf(x, a);
  const shape = perm.map((p) => x[p]);
  const st = stridesOf(x);
  const pst = perm.map((p) => st[p]); // input stride walked by each output axis
  const r = shape.length;
  const map = new Int32Array(sizeOf(shape));
  const idx = new Array<number>(r).fill(0);
  let off = 0;
  for (let p = 0; p < map.length; p++) {
    map[p] = off;
    for (let d = r - 1; d >= 0; d--) {
      off += pst[d];
      if (++idx[d] < shape[d]) break;
      off -= pst[d] * shape[d];
      idx[d] = 0;
    }
  }
  return { shape, map };
}

export const transpose = defineOp<TransposeAttrs>({
  type: 'Transpose',
  summary: 'Permutes the non-batch axes.',
  category: 'structure',
  arity: 1,
  parseAttrs(raw) {
    const v = raw.perm ?? [];
    if (!Array.isArray(v) || !v.every((p) => Number.isInteger(p))) throw new OpError(`Transpose: perm must be a list of integers, got ${JSON.stringify(v)}`);
    return { perm: [...v] };
  },
  params: () => [],
  inferShape(shapes, a) {
    expectInputs('Transpose', shapes, 1);
    return permOf(shapes[0], a).map((p) => shapes[0][p]);
  },
  forward(inputs, _params, a) {
    const { shape, map } = transposeMap(inputs[0].shape, a);
    return { output: gather(inputs[0], shape, map) };
  },
  backward(gradOut, _saved, inputs, _params, a) {
    const { map } = transposeMap(inputs[0].shape, a);
    return { inputs: [scatterAdd(gradOut, inputs[0].shape, map)], params: {} };
  },
  flops: () => 0,
});
