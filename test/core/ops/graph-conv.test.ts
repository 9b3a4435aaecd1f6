import { describe, expect, it } from 'vitest';
import { graphConv, normalizeAdjacency } from '../../../core/ops/graph-conv';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { softmaxCrossEntropy } from '../../../core/train/losses';
import { checkOp } from './oracle';

function adjacency(n: number, edges: readonly (readonly [number, number])[]): Tensor {
  const a = new Tensor([n, n]);
  for (const [i, j] of edges) {
    a.data[i * n + j] = 1;
    a.data[j * n + i] = 1;
  }
  return a;
}

/** The lecture's formula with dense loops: h_i W0 + sum_{j in N(i)} h_j W / sqrt(deg_i deg_j) + b. */
function naiveGcn(h: Tensor, adj: Tensor, p: Readonly<Record<string, Tensor>>) {
  const [n, f] = h.shape;
  const u = p.weight.shape[1];
  const deg = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (adj.data[i * n + j] !== 0 ? 1 : 0)).reduce((s: number, v) => s + v, 0));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < u; o++) {
      let s = p.bias ? p.bias.data[o] : 0;
      for (let k = 0; k < f; k++) s += h.data[i * f + k] * p.selfWeight.data[k * u + o];
      for (let j = 0; j < n; j++) {
        if (adj.data[i * n + j] === 0) continue;
        for (let k = 0; k < f; k++) s += (h.data[j * f + k] * p.weight.data[k * u + o]) / Math.sqrt(deg[i] * deg[j]);
      }
      out.push(s);
    }
  }
  return { shape: [n, u], data: out };
}

describe('GraphConv', () => {
  it('hand graph: path 0-1-2 with scalar features', () => {
    const h = Tensor.from([3, 1], [1, 2, 3]);
    const adj = adjacency(3, [[0, 1], [1, 2]]);
    const params = { selfWeight: Tensor.from([1, 1], [0]), weight: Tensor.from([1, 1], [1]) };
    const y = graphConv.forward([h, adj], params, { units: 1, bias: false }, { training: false, rng: new Rng(1) }).output;
    // deg = [1, 2, 1]: node 0 gets 2/sqrt(2), node 1 gets (1 + 3)/sqrt(2), node 2 gets 2/sqrt(2).
    expect(y.data[0]).toBeCloseTo(Math.SQRT2, 6);
    expect(y.data[1]).toBeCloseTo(2 * Math.SQRT2, 6);
    expect(y.data[2]).toBeCloseTo(Math.SQRT2, 6);
    const withSelf = graphConv.forward([h, adj], { ...params, selfWeight: Tensor.from([1, 1], [1]) }, { units: 1, bias: false }, { training: false, rng: new Rng(1) });
    expect(Array.from(withSelf.output.data).map((v) => +v.toFixed(5))).toEqual([1 + Math.SQRT2, 2 + 2 * Math.SQRT2, 3 + Math.SQRT2].map((v) => +v.toFixed(5)));
  });

  it('matches the dense formula and FD gradients (features and all params; none into the adjacency)', () => {
    // 6 nodes: a triangle, a tail, one self loop and one isolated node.
    const adj = adjacency(6, [[0, 1], [1, 2], [0, 2], [2, 3], [3, 3]]);
    const rep = checkOp({
      op: graphConv,
      attrs: { units: 4 },
      inputs: [[6, 5], adj],
      noGrad: [1],
      params: { bias: Tensor.from([4], [0.1, -0.3, 0.2, 0.5]) },
      reference: ([h, a], p) => naiveGcn(h, a, p),
    });
    expect(Object.keys(rep.gradWorst).sort()).toEqual(['input0', 'param:bias', 'param:selfWeight', 'param:weight']);
  });

  it('without bias', () => {
    const adj = adjacency(4, [[0, 1], [1, 2], [2, 3], [3, 0]]);
    checkOp({ op: graphConv, attrs: { units: 2, bias: false }, inputs: [[4, 3], adj], noGrad: [1], reference: ([h, a], p) => naiveGcn(h, a, p) });
  });

  it('builds a CSR with symmetric normalisation', () => {
    const csr = normalizeAdjacency(adjacency(3, [[0, 1], [1, 2]]));
    expect(Array.from(csr.ptr)).toEqual([0, 1, 3, 4]);
    expect(Array.from(csr.cols)).toEqual([1, 0, 2, 1]);
    expect(Array.from(csr.vals)).toEqual([1, 1, 1, 1].map(() => 1 / Math.SQRT2));
  });

  it('names bad shapes and an asymmetric adjacency', () => {
    const a = graphConv.parseAttrs({ units: 8 });
    expect(graphConv.inferShape([[5, 3], [5, 5]], a)).toEqual([5, 8]);
    expect(() => graphConv.inferShape([[5, 3], [4, 4]], a)).toThrow(/adjacency must be 5x5 for features 5x3, got 4x4/);
    expect(() => graphConv.inferShape([[1, 5, 3], [5, 5]], a)).toThrow(/nodes x features, got 1x5x3/);
    const asym = new Tensor([2, 2]);
    asym.data[1] = 1;
    expect(() => normalizeAdjacency(asym)).toThrow(/A\[0, 1\] = 1 and A\[1, 0\] = 0/);
    expect(graphConv.params([[5, 3], [5, 5]], a).map((p) => [p.name, p.shape])).toEqual([
      ['selfWeight', [3, 8]],
      ['weight', [3, 8]],
      ['bias', [8]],
    ]);
  });
});

describe('GraphConv end to end (2-layer GCN on a planted partition)', () => {
  /** Train on 8 labelled nodes, return the accuracy over all 40 (one-hot node features, so only edges carry label information). */
  function trainGcn(useEdges: boolean): number {
    const rng = new Rng(11);
    const n = 40;
    const community = (i: number): number => (i < n / 2 ? 0 : 1);
    const edges: [number, number][] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.next() < (community(i) === community(j) ? 0.3 : 0.02)) edges.push([i, j]);
    const adj = adjacency(n, useEdges ? edges : []);
    const x = new Tensor([n, n]);
    for (let i = 0; i < n; i++) x.data[i * n + i] = 1; // featureless: one-hot node ids
    const labelled = [0, 1, 2, 3, 20, 21, 22, 23];
    const a1 = graphConv.parseAttrs({ units: 8 });
    const a2 = graphConv.parseAttrs({ units: 2 });
    const p1 = initParamsFor(graphConv.params([[n, n], [n, n]], a1), rng);
    const p2 = initParamsFor(graphConv.params([[n, 8], [n, n]], a2), rng);
    const ctx = { training: true, rng };
    const predict = () => {
      const l1 = graphConv.forward([x, adj], p1, a1, ctx);
      const h = new Tensor(l1.output.shape, l1.output.data.map((v) => Math.max(0, v)));
      const l2 = graphConv.forward([h, adj], p2, a2, ctx);
      return { l1, h, l2 };
    };
    for (let step = 0; step < 150; step++) {
      const { l1, h, l2 } = predict();
      const rows = new Tensor([labelled.length, 2], Float32Array.from(labelled.flatMap((i) => [l2.output.data[2 * i], l2.output.data[2 * i + 1]])));
      const { grad } = softmaxCrossEntropy(rows, labelled.map(community));
      const g2 = new Tensor([n, 2]);
      labelled.forEach((i, r) => g2.data.set(grad.data.subarray(2 * r, 2 * r + 2), 2 * i));
      const b2 = graphConv.backward(g2, l2.saved, [h, adj], p2, a2);
      const gh = b2.inputs[0];
      if (!gh) throw new Error('no grad');
      for (let i = 0; i < gh.size; i++) if (h.data[i] <= 0) gh.data[i] = 0;
      const b1 = graphConv.backward(gh, l1.saved, [x, adj], p1, a1);
      for (const [p, b] of [[p1, b1.params], [p2, b2.params]] as const) for (const k of Object.keys(b)) p[k].data.forEach((_, i) => (p[k].data[i] -= 0.5 * b[k].data[i]));
    }
    const out = predict().l2.output.data;
    let correct = 0;
    for (let i = 0; i < n; i++) if ((out[2 * i + 1] > out[2 * i] ? 1 : 0) === community(i)) correct++;
    return correct / n;
  }

  it('learns node labels from 4 labelled nodes per community, and only through the edges', () => {
    const withGraph = trainGcn(true);
    const without = trainGcn(false);
    expect(withGraph).toBeGreaterThanOrEqual(0.8);
    // Without edges the 32 unlabelled nodes are coin flips: the 8 memorised + about half of the rest.
    expect(without).toBeLessThanOrEqual(0.7);
    expect(withGraph - without).toBeGreaterThanOrEqual(0.15);
  });
});

function initParamsFor(specs: readonly { name: string; shape: readonly number[]; init: { kind: string } }[], rng: Rng): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const s of specs) {
    const t = new Tensor(s.shape);
    if (s.init.kind !== 'constant') for (let i = 0; i < t.size; i++) t.data[i] = 0.3 * rng.normal();
    out[s.name] = t;
  }
  return out;
}
