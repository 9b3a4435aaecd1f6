/**
 * Folds for the graph units' exported compositions (export-composites.ts):
 *   GraphConv     Equal(A, 0) -> Not -> Cast(float) = B; ReduceSum(B, [1], keepdims) -> Max(., 1)
 *                 -> Pow(., -0.5) = d; B * d * Transpose(d); MatMul(., H) -> MatMul(., W);
 *                 MatMul(H, W0); Add [-> Add(., bias)]
 *   NodeMeanPool  ReduceMean over axis 0 with keepdims
 */
import type { Tensor } from '../tensor/tensor';
import type { NodeProto } from './generated/onnx';
import { attrInt, attrInts } from './import-context';
import { orders, reduceAxes, sameList, type Fold, type FoldConverter, type FoldView } from './import-fold-view';

/** The normalised adjacency part: returns the adjacency value and the covered nodes. */
function matchNormAdj(v: FoldView, norm: string): { adj: string; nodes: NodeProto[] } | undefined {
  const mulT = v.made(norm, 'Mul');
  if (!mulT) return undefined;
  for (const [rowsV, dinvTV] of orders(mulT)) {
    const tr = v.made(dinvTV, 'Transpose');
    const rows = v.made(rowsV, 'Mul');
    if (!tr || !rows || !sameList(attrInts(tr, 'perm'), [1, 0])) continue;
    const dinvV = tr.input?.[0];
    for (const [bV, d2] of orders(rows)) {
      if (d2 !== dinvV) continue;
      const pow = v.made(dinvV, 'Pow', false);
      if (!pow || v.uses.get(dinvV ?? '') !== 2 || v.scalar(pow.input?.[1]) !== -0.5) continue;
      const max = v.made(pow.input?.[0], 'Max');
      if (!max || (max.input?.length ?? 0) !== 2) continue;
      const degV = max.input?.find((i) => v.scalar(i) !== 1);
      const oneV = max.input?.find((i) => i !== degV);
      if (v.scalar(oneV) !== 1) continue;
      const sum = v.made(degV, 'ReduceSum');
      if (!sum || sum.input?.[0] !== bV || attrInt(sum, 'keepdims', 1) !== 1 || !sameList(reduceAxes(v, sum), [1])) continue;
      const cast = v.made(bV, 'Cast', false);
      if (!cast || v.uses.get(bV) !== 2 || attrInt(cast, 'to', 0) !== 1) continue;
      const not = v.made(cast.input?.[0], 'Not');
      const eq = v.made(not?.input?.[0], 'Equal');
      if (!not || !eq) continue;
      for (const [adj, zero] of orders(eq)) {
        if (v.scalar(zero) === 0 && !v.isConst(adj)) return { adj, nodes: [mulT, tr, rows, pow, max, sum, cast, not, eq] };
      }
    }
  }
  return undefined;
}

export function graphConvFold(v: FoldView, last: NodeProto): Fold | undefined {
  if (last.opType !== 'Add') return undefined;
  // With a bias the output is Add(Add(self, neighbours), bias); without, Add(self, neighbours).
  const tries: { sum: NodeProto; bias?: string; extra: NodeProto[] }[] = [{ sum: last, extra: [] }];
  for (const [s, b] of orders(last)) {
    const inner = v.made(s, 'Add');
    if (inner && v.isConst(b)) tries.unshift({ sum: inner, bias: b, extra: [last] });
  }
  for (const t of tries) {
    for (const [selfV, neighV] of orders(t.sum)) {
      const self = v.made(selfV, 'MatMul');
      const neigh = v.made(neighV, 'MatMul');
      if (!self || !neigh || !v.isConst(self.input?.[1]) || !v.isConst(neigh.input?.[1])) continue;
      const h = self.input?.[0];
      const agg = v.made(neigh.input?.[0], 'MatMul');
      if (!h || !agg || agg.input?.[1] !== h || v.isConst(h)) continue;
      const norm = matchNormAdj(v, agg.input?.[0] ?? '');
      if (!norm) continue;
      const out = last.output?.[0] ?? '';
      const inputs = [h, norm.adj, self.input?.[1] ?? '', neigh.input?.[1] ?? '', ...(t.bias ? [t.bias] : [])];
      const fused: NodeProto = { opType: 'GraphConv', name: last.name, input: inputs, output: [out] };
      const covered = [...t.extra, t.sum, self, neigh, agg, ...norm.nodes];
      return { last, covered, fused, convert: graphConvConverter };
    }
  }
  return undefined;
}

const graphConvConverter: FoldConverter = (ctx, node) => {
  const h = ctx.dyn(node, 0, 'the node features');
  const adj = ctx.dyn(node, 1, 'the adjacency');
  const selfWeight = ctx.constOf(node, 2, 'the self weight').tensor;
  const weight = ctx.constOf(node, 3, 'the neighbour weight').tensor;
  const bias = ctx.optConst(node, 4, 'the bias')?.tensor;
  if (weight.shape.length !== 2) ctx.fail(node, `GraphConv weight must be 2-D, got [${weight.shape.join(', ')}]`);
  const units = weight.shape[1];
  const params: Record<string, Tensor> = { selfWeight, weight };
  if (bias) params.bias = bias.reshape([bias.size]);
  ctx.set(node, ctx.emit(node, 'GraphConv', [h, adj], { units, bias: bias !== undefined }, params));
  return true;
};

export function nodeMeanPoolFold(v: FoldView, last: NodeProto): Fold | undefined {
  if (last.opType !== 'ReduceMean' || attrInt(last, 'keepdims', 1) !== 1 || !sameList(reduceAxes(v, last), [0])) return undefined;
  const x = last.input?.[0];
  if (!x) return undefined;
  const fused: NodeProto = { opType: 'NodeMeanPool', name: last.name, input: [x], output: [last.output?.[0] ?? ''] };
  return { last, covered: [last], fused, convert: (ctx, node) => {
      ctx.set(node, ctx.emit(node, 'NodeMeanPool', [ctx.dyn(node, 0, 'the node features')], {}));
      return true;
    },
  };
}
