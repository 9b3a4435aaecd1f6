/**
 * Pattern folding before import: the compositions core/onnx/export-composites.ts writes for units
 * without a single ONNX op are recognised and turned back into one ConvLab node, so an exported
 * graph re-imports as the graph it came from (and reads well in the editor).
 *   GraphConv     Equal(A, 0) -> Not -> Cast(float) = B; ReduceSum(B, [1], keepdims) -> Max(., 1)
 *                 -> Pow(., -0.5) = d; B * d * Transpose(d); MatMul(., H) -> MatMul(., W);
 *                 MatMul(H, W0); Add [-> Add(., bias)]
 *   NodeMeanPool  ReduceMean over axis 0 with keepdims
 * A pattern folds only when every constant has the exact value the composition uses and no
 * intermediate value is read outside the pattern (or is a graph output); otherwise the nodes are
 * left alone and import as general ops (or are reported as unsupported).
 */
import { Tensor } from '../tensor/tensor';
import type { NodeProto, TensorProto } from './generated/onnx';
import { attrInt, attrInts, attrTensor, type Converter } from './import-context';
import { intsFromProto, tensorFromProto } from './tensor-proto';

/** What the pre-pass sees of the graph: producers, read counts and constants by value name. */
export class FoldView {
  readonly producer = new Map<string, NodeProto>();

  constructor(
    nodes: readonly NodeProto[],
    readonly uses: ReadonlyMap<string, number>,
    private readonly init: ReadonlyMap<string, TensorProto>,
  ) {
    for (const n of nodes) for (const o of n.output ?? []) if (o) this.producer.set(o, n);
  }

  /** The node writing `value` when it has op type `op` (and, with `once`, nothing else reads the value). */
  made(value: string | undefined, op: string, once = true): NodeProto | undefined {
    if (!value) return undefined;
    const n = this.producer.get(value);
    if (!n || n.opType !== op || (n.domain ?? '') !== '') return undefined;
    if (once && (this.uses.get(value) ?? 0) !== 1) return undefined;
    return n;
  }

  /** A constant's proto (initializer or Constant node's tensor). */
  constProto(value: string | undefined): TensorProto | undefined {
    if (!value) return undefined;
    const t = this.init.get(value);
    if (t) return t;
    const n = this.producer.get(value);
    return n?.opType === 'Constant' ? attrTensor(n, 'value') : undefined;
  }

  isConst(value: string | undefined): boolean {
    return this.constProto(value) !== undefined;
  }

  /** The single value of a one-element constant, or undefined. */
  scalar(value: string | undefined): number | undefined {
    const t = this.constProto(value);
    if (!t) return undefined;
    try {
      const v = tensorFromProto(t);
      return v.size === 1 ? v.data[0] : undefined;
    } catch {
      return undefined;
    }
  }

  ints(value: string | undefined): number[] | undefined {
    const t = this.constProto(value);
    if (!t) return undefined;
    try {
      return intsFromProto(t).values;
    } catch {
      return undefined;
    }
  }
}

/** A recognised composition: the nodes it replaces and the converter that emits the ConvLab node. */
export interface Fold {
  /** The node writing the composition's output; the fused node takes its place. */
  last: NodeProto;
  /** Every ONNX node of the composition, `last` included. */
  covered: NodeProto[];
  /** The fused node: the composition's outer inputs and its output. */
  fused: NodeProto;
  convert: Converter;
}

function sameList(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Both operand orders of a binary node: [x, y] and [y, x]. */
function orders(n: NodeProto): [string, string][] {
  const [a, b] = n.input ?? [];
  return a && b && (n.input?.length ?? 0) === 2 ? [[a, b], [b, a]] : [];
}

/** ReduceSum/ReduceMean axes from the input (ReduceSum >= 13, ReduceMean >= 18) or the attribute. */
function reduceAxes(v: FoldView, n: NodeProto): number[] | undefined {
  return n.input?.[1] ? v.ints(n.input[1]) : attrInts(n, 'axes');
}

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

function graphConvFold(v: FoldView, last: NodeProto): Fold | undefined {
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

const graphConvConverter: Converter = (ctx, node) => {
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
};

function nodeMeanPoolFold(v: FoldView, last: NodeProto): Fold | undefined {
  if (last.opType !== 'ReduceMean' || attrInt(last, 'keepdims', 1) !== 1 || !sameList(reduceAxes(v, last), [0])) return undefined;
  const x = last.input?.[0];
  if (!x) return undefined;
  const fused: NodeProto = { opType: 'NodeMeanPool', name: last.name, input: [x], output: [last.output?.[0] ?? ''] };
  return { last, covered: [last], fused, convert: (ctx, node) => ctx.set(node, ctx.emit(node, 'NodeMeanPool', [ctx.dyn(node, 0, 'the node features')], {})) };
}

const matchers = [graphConvFold, nodeMeanPoolFold];

/**
 * The node list with every recognised composition replaced by its fused node, and the converter
 * for each fused node. Nodes are matched from their last node; a node belongs to one fold at most.
 */
export function foldComposites(
  nodes: readonly NodeProto[],
  uses: ReadonlyMap<string, number>,
  init: ReadonlyMap<string, TensorProto>,
): { nodes: NodeProto[]; fused: Map<NodeProto, Converter> } {
  const v = new FoldView(nodes, uses, init);
  const taken = new Set<NodeProto>();
  const replace = new Map<NodeProto, Fold>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (taken.has(n)) continue;
    for (const m of matchers) {
      const f = m(v, n);
      if (!f || f.covered.some((c) => taken.has(c))) continue;
      f.covered.forEach((c) => taken.add(c));
      replace.set(n, f);
      break;
    }
  }
  const fused = new Map<NodeProto, Converter>();
  const out: NodeProto[] = [];
  for (const n of nodes) {
    const f = replace.get(n);
    if (f) {
      out.push(f.fused);
      fused.set(f.fused, f.convert);
    } else if (!taken.has(n)) out.push(n);
  }
  return { nodes: out, fused };
}
