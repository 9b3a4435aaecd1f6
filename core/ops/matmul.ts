/**
 * MatMul: the ONNX / numpy matrix product of two computed tensors, A [..., M, K] x B [..., K, P] ->
 * [..., M, P]. The leading (batch) dims broadcast numpy-style, right-aligned, so a per-sample
 * product [N, S, K] x [N, K, P], a shared right operand [N, S, K] x Const [K, P] and a mixed
 * [N, 1, M, K] x [N, H, K, P] all work. Both inputs need rank >= 2 (ONNX's 1-D promotion is not
 * supported). Imported ONNX MatMul whose second input is computed (attention, NonLocal) becomes
 * this op; a product with a constant 2-D weight stays a Dense layer.
 * Backward (exact, through GEMM): dA = dY B^T and dB = A^T dY per batch entry, summed over the
 * batch entries an operand was broadcast to.
 * FLOPs: 2 * M * K * P per output batch entry.
 */
import { gemm } from '../tensor/gemm';
import { Tensor, shapeToString, sizeOf, type Shape } from '../tensor/tensor';
import { broadcastMap, broadcastShapes } from './broadcast';
import { expectInputs } from './op-util';
import { noAttrs } from './unary';
import { defineOp, OpError } from './types';

interface Plan {
  m: number;
  k: number;
  p: number;
  /** Output batch shape (the broadcast of both operands' leading dims). */
  batch: Shape;
  /** Per output batch entry, the batch entry of A and of B it reads. */
  aIdx: Int32Array;
  bIdx: Int32Array;
}

function plan(a: Shape, b: Shape): Plan {
  if (a.length < 2 || b.length < 2) {
    throw new OpError(`MatMul: both inputs need rank >= 2, got A ${shapeToString(a) || 'a scalar'}, B ${shapeToString(b) || 'a scalar'}`);
  }
  const m = a[a.length - 2];
  const k = a[a.length - 1];
  const kb = b[b.length - 2];
  const p = b[b.length - 1];
  if (k !== kb) throw new OpError(`MatMul: inner dimensions differ: A ${shapeToString(a)}, B ${shapeToString(b)} (${k} vs ${kb})`);
  const ab = a.slice(0, -2);
  const bb = b.slice(0, -2);
  const batch = broadcastShapes('MatMul', [ab, bb]);
  const n = sizeOf(batch);
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  return { m, k, p, batch, aIdx: broadcastMap(ab, batch) ?? identity, bIdx: broadcastMap(bb, batch) ?? identity };
}

export const matmul = defineOp({
  type: 'MatMul',
  summary: 'Matrix product of two tensors, [..., M, K] x [..., K, P] (leading dims broadcast).',
  category: 'math',
  arity: 2,
  parseAttrs: noAttrs,
  params: () => [],
  inferShape(shapes) {
    expectInputs('MatMul', shapes, 2);
    const pl = plan(shapes[0], shapes[1]);
    return [...pl.batch, pl.m, pl.p];
  },
  forward(inputs) {
    const [a, b] = inputs;
    const { m, k, p, batch, aIdx, bIdx } = plan(a.shape, b.shape);
    const out = new Tensor([...batch, m, p]);
    for (let i = 0; i < aIdx.length; i++) {
      gemm(false, false, m, p, k, 1, a.data, aIdx[i] * m * k, k, b.data, bIdx[i] * k * p, p, 0, out.data, i * m * p, p);
    }
    return { output: out };
  },
  backward(gradOut, _saved, inputs) {
    const [a, b] = inputs;
    const { m, k, p, aIdx, bIdx } = plan(a.shape, b.shape);
    const da = new Tensor(a.shape);
    const db = new Tensor(b.shape);
    for (let i = 0; i < aIdx.length; i++) {
      const yo = i * m * p;
      const ao = aIdx[i] * m * k;
      const bo = bIdx[i] * k * p;
      // dA [m, k] += dY [m, p] x B^T [p, k];  dB [k, p] += A^T [k, m] x dY [m, p]
      gemm(false, true, m, k, p, 1, gradOut.data, yo, p, b.data, bo, p, 1, da.data, ao, k);
      gemm(true, false, k, p, m, 1, a.data, ao, k, gradOut.data, yo, p, 1, db.data, bo, p);
    }
    return { inputs: [da, db], params: {} };
  },
  flops(shapes) {
    const pl = plan(shapes[0], shapes[1]);
    return 2 * sizeOf(pl.batch) * pl.m * pl.k * pl.p;
  },
});
