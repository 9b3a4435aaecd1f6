import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropyWithLogits,
  crossEntropyLoss,
  dotProductScores,
  edgesOf,
  linkPredictionLoss,
  meanSquaredError,
  sampleNegativePairs,
  softmaxCrossEntropy,
  type LossResult,
} from '../../../core/train/losses';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';

/** Central finite differences of a loss w.r.t. every element of x, compared with the analytic grad. */
function expectFdGrad(x: Tensor, f: (t: Tensor) => LossResult): void {
  const analytic = f(x).grad;
  const eps = 1e-3;
  for (let i = 0; i < x.size; i++) {
    const x0 = x.data[i];
    x.data[i] = x0 + eps;
    const hi = x.data[i];
    const lp = f(x).loss;
    x.data[i] = x0 - eps;
    const lo = x.data[i];
    const lm = f(x).loss;
    x.data[i] = x0;
    const numeric = (lp - lm) / (hi - lo);
    expect(Math.abs(analytic.data[i] - numeric)).toBeLessThan(1e-4 + 1e-3 * Math.abs(numeric));
  }
}

function randn(shape: number[], seed: number, scale = 1): Tensor {
  const rng = new Rng(seed);
  const t = new Tensor(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = scale * rng.normal();
  return t;
}

describe('softmaxCrossEntropy', () => {
  it('hand values, with and without label smoothing', () => {
    const x = Tensor.from([2, 3], [1, 2, 3, 1, 2, 3]);
    expect(softmaxCrossEntropy(x, [2, 2]).loss).toBeCloseTo(0.40760596444438, 6);
    expect(softmaxCrossEntropy(x, [2, 0]).loss).toBeCloseTo((0.40760596444438 + 2.40760596444438) / 2, 6);
    // eps 0.1, K 3: q = [1/30, 1/30, 14/15]; loss = lse - (0.1 + 2.8).
    expect(softmaxCrossEntropy(x, [2, 2], 0.1).loss).toBeCloseTo(3.40760596444438 - 2.9, 6);
    const g = softmaxCrossEntropy(Tensor.from([1, 3], [1, 2, 3]), [2]).grad.data;
    expect(g[0]).toBeCloseTo(0.09003057317038046, 6);
    expect(g[2]).toBeCloseTo(0.6652409557748219 - 1, 6);
  });

  it('is stable for huge logits', () => {
    const r = softmaxCrossEntropy(Tensor.from([1, 3], [1000, 0, -1000]), [1]);
    expect(r.loss).toBeCloseTo(1000, 3);
    expect(Number.isFinite(r.grad.data[0])).toBe(true);
    expect(softmaxCrossEntropy(Tensor.from([1, 2], [5000, -5000]), [0]).loss).toBe(0);
  });

  it('gradient matches finite differences (plain and smoothed)', () => {
    const x = randn([4, 5], 1, 2);
    const labels = Int32Array.from([0, 3, 4, 1]);
    expectFdGrad(x, (t) => softmaxCrossEntropy(t, labels));
    expectFdGrad(x, (t) => crossEntropyLoss(0.2)(t, labels));
  });

  it('names bad labels and shapes', () => {
    expect(() => softmaxCrossEntropy(Tensor.zeros([2, 3]), [0, 3])).toThrow(/label 3 of sample 1 is outside \[0, 3\)/);
    expect(() => softmaxCrossEntropy(Tensor.zeros([2, 3]), [0])).toThrow(/2 rows.*1 labels/);
    expect(() => softmaxCrossEntropy(Tensor.zeros([2, 3, 1]), [0, 0])).toThrow(/2x3x1/);
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  it('hand values and stability', () => {
    expect(binaryCrossEntropyWithLogits(Tensor.from([1], [0]), [1]).loss).toBeCloseTo(Math.LN2, 12);
    expect(binaryCrossEntropyWithLogits(Tensor.from([1], [2]), [0]).loss).toBeCloseTo(2.1269280110429727, 6);
    expect(binaryCrossEntropyWithLogits(Tensor.from([2], [1000, -1000]), [1, 0]).loss).toBe(0);
    expect(binaryCrossEntropyWithLogits(Tensor.from([1], [-1000]), [1]).loss).toBeCloseTo(1000, 6);
  });

  it('gradient matches finite differences (soft targets too)', () => {
    const x = randn([3, 4], 2, 3);
    const t = Array.from({ length: 12 }, (_, i) => (i % 3) / 2);
    expectFdGrad(x, (v) => binaryCrossEntropyWithLogits(v, t));
  });

  it('rejects targets outside [0, 1]', () => {
    expect(() => binaryCrossEntropyWithLogits(Tensor.zeros([2]), [0, 2])).toThrow(/target 2/);
  });
});

describe('meanSquaredError', () => {
  it('hand values and FD gradient', () => {
    const r = meanSquaredError(Tensor.from([2], [1, 2]), [0, 4]);
    expect(r.loss).toBe(2.5);
    expect(Array.from(r.grad.data)).toEqual([1, -2]);
    const x = randn([2, 3], 3);
    expectFdGrad(x, (v) => meanSquaredError(v, [1, 2, 3, 4, 5, 6]));
  });
});

describe('link prediction (dot-product decoder)', () => {
  const z = Tensor.from([3, 2], [1, 0, 0, 1, 1, 1]);

  it('scores are dot products; loss by hand', () => {
    expect(Array.from(dotProductScores(z, [[0, 2], [0, 1], [2, 2]]))).toEqual([1, 0, 2]);
    const r = linkPredictionLoss(z, [[0, 2]], [[0, 1]]);
    expect(r.loss).toBeCloseTo((0.31326168751822286 + Math.LN2) / 2, 9);
  });

  it('gradient w.r.t. the embeddings matches finite differences (incl. a self pair)', () => {
    const emb = randn([5, 3], 4);
    const pos = [[0, 1], [1, 2], [3, 4], [2, 2]] as const;
    const neg = [[0, 4], [1, 3]] as const;
    expectFdGrad(emb, (v) => linkPredictionLoss(v, pos, neg));
  });

  it('edges and negative sampling respect the adjacency', () => {
    const n = 6;
    const adj = new Tensor([n, n]);
    for (const [i, j] of [[0, 1], [1, 2], [2, 3], [4, 5]]) {
      adj.data[i * n + j] = 1;
      adj.data[j * n + i] = 1;
    }
    expect(edgesOf(adj)).toEqual([[0, 1], [1, 2], [2, 3], [4, 5]]);
    const neg = sampleNegativePairs(adj, 8, new Rng(3));
    expect(neg.length).toBe(8);
    for (const [i, j] of neg) {
      expect(i).toBeLessThan(j);
      expect(adj.data[i * n + j]).toBe(0);
    }
    expect(new Set(neg.map(([i, j]) => i * n + j)).size).toBe(8);
    expect(sampleNegativePairs(adj, 8, new Rng(3))).toEqual(neg);
    // Only 15 - 4 = 11 non-edges exist: asking for 20 returns all 11.
    expect(sampleNegativePairs(adj, 20, new Rng(1)).length).toBe(11);
  });

  it('names a pair outside the graph', () => {
    expect(() => linkPredictionLoss(z, [[0, 3]], [])).toThrow(/\(0, 3\) is outside the 3 nodes/);
  });
});
