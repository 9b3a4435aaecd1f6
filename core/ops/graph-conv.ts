/**
 * GraphConv, the graph convolution of Kipf & Welling (GCN) as the lecture writes it:
 *   h_i' = h_i W0 + sum_{j in N(i)} (1 / c_ij) h_j W + b,   c_ij = sqrt(deg_i * deg_j)
 * Inputs: features [nodes, F] (nodes play the batch role) and adjacency [nodes, nodes], a dense 0/1
 * SYMMETRIC tensor at the graph boundary (no gradient flows into it). N(i) = { j : A_ij != 0 } and
 * deg_i = |N(i)|; a diagonal 1 makes a node its own neighbour (Kipf's A + I), the separate self term
 * h_i W0 is always there. Isolated nodes keep only the self term. No activation inside (a ReLU follows).
 * Forward builds a CSR of the normalised adjacency, so the aggregation costs O(edges * F).
 * Params: selfWeight [F, units] (W0), weight [F, units] (W), bias [units] (attr `bias`, default true).
 * FLOPs: 2 * nodes * F * units for each of the two weight products, + nodes * units bias adds, + the
 * aggregation counted densely as 2 * nodes^2 * F (an upper bound; the real count is 2 * edges * F).
 */
import { gemm } from '../tensor/gemm';
import { Tensor, shapeToString, type Shape } from '../tensor/tensor';
import { bool, int } from './attrs';
import { expectInputs, savedOf } from './op-util';
import { defineOp, OpError, type ParamSpec } from './types';

export interface GraphConvAttrs {
  units: number;
  bias: boolean;
}

/** Normalised adjacency in compressed sparse rows: row i's neighbours cols[ptr[i]..ptr[i+1]) with weights vals. */
export class NormalizedAdjacency {
  constructor(
    readonly n: number,
    readonly ptr: Int32Array,
    readonly cols: Int32Array,
    readonly vals: Float64Array,
  ) {}

  /** out[n, f] = Â x[n, f] (or Â^T x). */
  multiply(x: Float32Array, f: number, transpose = false): Float32Array {
    const out = new Float32Array(this.n * f);
    for (let i = 0; i < this.n; i++) {
      for (let e = this.ptr[i]; e < this.ptr[i + 1]; e++) {
        const j = this.cols[e];
        const w = this.vals[e];
        const [dst, src] = transpose ? [j, i] : [i, j];
        for (let k = 0; k < f; k++) out[dst * f + k] += w * x[src * f + k];
      }
    }
    return out;
  }
}

/** CSR of D^-1/2 A D^-1/2 from a dense symmetric 0/1 adjacency; names the first asymmetric entry. */
export function normalizeAdjacency(adj: Tensor): NormalizedAdjacency {
  const n = adj.shape[0];
  const a = adj.data;
  const deg = new Int32Array(n);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (a[i * n + j] === 0) continue;
      if (a[j * n + i] === 0) {
        throw new OpError(`GraphConv: adjacency must be symmetric (undirected), but A[${i}, ${j}] = ${a[i * n + j]} and A[${j}, ${i}] = 0`);
      }
      deg[i]++;
      nnz++;
    }
  }
  const ptr = new Int32Array(n + 1);
  const cols = new Int32Array(nnz);
  const vals = new Float64Array(nnz);
  let e = 0;
  for (let i = 0; i < n; i++) {
    ptr[i] = e;
    for (let j = 0; j < n; j++) {
      if (a[i * n + j] === 0) continue;
      cols[e] = j;
      vals[e] = 1 / Math.sqrt(deg[i] * deg[j]);
      e++;
    }
  }
  ptr[n] = e;
  return new NormalizedAdjacency(n, ptr, cols, vals);
}

class GraphConvSaved {
  constructor(
    readonly adj: NormalizedAdjacency,
    /** P = Â H, the aggregated neighbour features [nodes, F]. */
    readonly agg: Float32Array,
  ) {}
}

function check(shapes: readonly Shape[]): { n: number; f: number } {
  expectInputs('GraphConv', shapes, 2);
  const [h, a] = shapes;
  if (h.length !== 2) throw new OpError(`GraphConv: features must be nodes x features, got ${shapeToString(h)}`);
  if (a.length !== 2 || a[0] !== h[0] || a[1] !== h[0]) {
    throw new OpError(`GraphConv: adjacency must be ${h[0]}x${h[0]} for features ${shapeToString(h)}, got ${shapeToString(a)}`);
  }
  return { n: h[0], f: h[1] };
}

export const graphConv = defineOp<GraphConvAttrs>({
  type: 'GraphConv',
  summary: 'Graph convolution (GCN): h W0 + sum over neighbours of h_j W / sqrt(deg_i deg_j).',
  category: 'graph',
  arity: 2,
  parseAttrs: (raw) => ({ units: int(raw, 'units', undefined, 1), bias: bool(raw, 'bias', true) }),
  params(shapes, a) {
    const { f } = check(shapes);
    const specs: ParamSpec[] = [
      { name: 'selfWeight', shape: [f, a.units], init: { kind: 'glorot', fanIn: f, fanOut: a.units }, trainable: true },
      { name: 'weight', shape: [f, a.units], init: { kind: 'glorot', fanIn: f, fanOut: a.units }, trainable: true },
    ];
    if (a.bias) specs.push({ name: 'bias', shape: [a.units], init: { kind: 'constant', value: 0 }, trainable: true });
    return specs;
  },
  inferShape(shapes, a) {
    const { n } = check(shapes);
    return [n, a.units];
  },
  forward(inputs, params, a) {
    const { n, f } = check(inputs.map((t) => t.shape));
    const u = a.units;
    const h = inputs[0].data;
    const adj = normalizeAdjacency(inputs[1]);
    const agg = adj.multiply(h, f);
    const out = new Tensor([n, u]);
    gemm(false, false, n, u, f, 1, h, 0, f, params.selfWeight.data, 0, u, 0, out.data, 0, u);
    gemm(false, false, n, u, f, 1, agg, 0, f, params.weight.data, 0, u, 1, out.data, 0, u);
    if (a.bias) for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) out.data[i * u + j] += params.bias.data[j];
    return { output: out, saved: new GraphConvSaved(adj, agg) };
  },
  backward(gradOut, saved, inputs, params, a) {
    const s = savedOf('GraphConv', saved, GraphConvSaved);
    const [n, f] = inputs[0].shape;
    const u = a.units;
    const h = inputs[0].data;
    const dy = gradOut.data;
    const dSelf = new Tensor([f, u]);
    const dW = new Tensor([f, u]);
    gemm(true, false, f, u, n, 1, h, 0, f, dy, 0, u, 0, dSelf.data, 0, u); // dW0 = H^T dy
    gemm(true, false, f, u, n, 1, s.agg, 0, f, dy, 0, u, 0, dW.data, 0, u); // dW = P^T dy
    // dH = dy W0^T + Â^T (dy W^T)
    const q = new Float32Array(n * f);
    gemm(false, true, n, f, u, 1, dy, 0, u, params.weight.data, 0, u, 0, q, 0, f);
    const dh = s.adj.multiply(q, f, true);
    gemm(false, true, n, f, u, 1, dy, 0, u, params.selfWeight.data, 0, u, 1, dh, 0, f);
    const grads: Record<string, Tensor> = { selfWeight: dSelf, weight: dW };
    if (a.bias) {
      const db = new Tensor([u]);
      for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) db.data[j] += dy[i * u + j];
      grads.bias = db;
    }
    return { inputs: [new Tensor([n, f], dh), null], params: grads };
  },
  flops(shapes, a) {
    const [n, f] = shapes[0];
    return 4 * n * f * a.units + (a.bias ? n * a.units : 0) + 2 * n * n * f;
  },
});
