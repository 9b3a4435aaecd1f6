/**
 * Losses: each returns the MEAN loss and its gradient with respect to the model output, so it plugs into
 * the trainer as a LossFn (logits, labels) => { loss, grad }. All are computed in float64 and are
 * numerically stable (log-sum-exp; softplus written as max(x, 0) + log1p(exp(-|x|))).
 *
 * Also the link-prediction head for GCNs: a dot-product decoder s_ij = z_i . z_j and binary
 * cross-entropy with logits over positive (edge) and sampled negative (non-edge) pairs.
 */
import type { Rng } from '../tensor/rng';
import { Tensor, shapeToString } from '../tensor/tensor';

export interface LossResult {
  /** Mean over samples (or elements / pairs). */
  loss: number;
  /** d loss / d output, same shape as the output. */
  grad: Tensor;
}

/** softplus(x) = log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Softmax cross-entropy over logits [N, K] with integer labels in [0, K).
 * Label smoothing eps (PyTorch semantics): the target is (1 - eps) * onehot + eps / K.
 *   loss_n = logsumexp(x_n) - sum_k q_nk x_nk,    dLogits = (softmax(x) - q) / N.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: ArrayLike<number>, smoothing = 0): LossResult {
  if (logits.shape.length !== 2) throw new Error(`softmaxCrossEntropy: logits must be N x K, got ${shapeToString(logits.shape)}`);
  const [n, k] = logits.shape;
  if (labels.length !== n) throw new Error(`softmaxCrossEntropy: ${n} rows of logits but ${labels.length} labels`);
  if (!(smoothing >= 0 && smoothing < 1)) throw new Error(`softmaxCrossEntropy: label smoothing must be in [0, 1), got ${smoothing}`);
  const x = logits.data;
  const grad = new Tensor(logits.shape);
  const off = smoothing / k;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= k) {
      throw new Error(`softmaxCrossEntropy: label ${label} of sample ${i} is outside [0, ${k})`);
    }
    const row = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, x[row + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(x[row + j] - max);
    const lse = max + Math.log(sum);
    let dot = 0;
    for (let j = 0; j < k; j++) {
      const q = off + (j === label ? 1 - smoothing : 0);
      dot += q * x[row + j];
      grad.data[row + j] = (Math.exp(x[row + j] - lse) - q) / n;
    }
    total += lse - dot;
  }
  return { loss: total / n, grad };
}

/** A LossFn for the trainer: softmax cross-entropy with fixed label smoothing. */
export function crossEntropyLoss(smoothing = 0): (logits: Tensor, labels: Int32Array) => LossResult {
  return (logits, labels) => softmaxCrossEntropy(logits, labels, smoothing);
}

/**
 * Binary cross-entropy with logits, elementwise, targets in [0, 1] (same number of values as logits):
 *   loss = mean(softplus(x) - t x),   dLogits = (sigmoid(x) - t) / M.
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, targets: ArrayLike<number>): LossResult {
  const m = logits.size;
  if (targets.length !== m) throw new Error(`binaryCrossEntropyWithLogits: ${m} logits (${shapeToString(logits.shape)}) but ${targets.length} targets`);
  const grad = new Tensor(logits.shape);
  let total = 0;
  for (let i = 0; i < m; i++) {
    const x = logits.data[i];
    const t = targets[i];
    if (!(t >= 0 && t <= 1)) throw new Error(`binaryCrossEntropyWithLogits: target ${t} at ${i} is outside [0, 1]`);
    total += softplus(x) - t * x;
    grad.data[i] = (sigmoid(x) - t) / m;
  }
  return { loss: total / m, grad };
}

/** Mean squared error: loss = mean((p - t)^2), dPred = 2 (p - t) / M. */
export function meanSquaredError(pred: Tensor, target: ArrayLike<number>): LossResult {
  const m = pred.size;
  if (target.length !== m) throw new Error(`meanSquaredError: ${m} predictions (${shapeToString(pred.shape)}) but ${target.length} targets`);
  const grad = new Tensor(pred.shape);
  let total = 0;
  for (let i = 0; i < m; i++) {
    const d = pred.data[i] - target[i];
    total += d * d;
    grad.data[i] = (2 * d) / m;
  }
  return { loss: total / m, grad };
}

// ---- link prediction (GCN): dot-product decoder + BCE over positive and negative pairs ----

export type NodePair = readonly [number, number];

function checkEmbeddings(z: Tensor, pairs: readonly NodePair[]): void {
  if (z.shape.length !== 2) throw new Error(`link prediction: embeddings must be nodes x dims, got ${shapeToString(z.shape)}`);
  const n = z.shape[0];
  for (const [i, j] of pairs) {
    if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && j >= 0 && i < n && j < n)) {
      throw new Error(`link prediction: pair (${i}, ${j}) is outside the ${n} nodes`);
    }
  }
}

/** Scores s_ij = z_i . z_j for each pair (logits of "an edge exists"). */
export function dotProductScores(z: Tensor, pairs: readonly NodePair[]): Float64Array {
  checkEmbeddings(z, pairs);
  const d = z.shape[1];
  const out = new Float64Array(pairs.length);
  pairs.forEach(([i, j], p) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += z.data[i * d + k] * z.data[j * d + k];
    out[p] = s;
  });
  return out;
}

/**
 * Mean BCE-with-logits over positive pairs (target 1) and negative pairs (target 0) of the scores
 * z_i . z_j; grad is d loss / d z ([nodes, dims]): dz_i += g z_j and dz_j += g z_i, g = (sigmoid(s) - t) / P.
 */
export function linkPredictionLoss(z: Tensor, positive: readonly NodePair[], negative: readonly NodePair[]): LossResult {
  const pairs = [...positive, ...negative];
  if (pairs.length === 0) throw new Error('linkPredictionLoss: needs at least one pair');
  const scores = dotProductScores(z, pairs);
  const d = z.shape[1];
  const grad = new Tensor(z.shape);
  const m = pairs.length;
  let total = 0;
  pairs.forEach(([i, j], p) => {
    const t = p < positive.length ? 1 : 0;
    const s = scores[p];
    total += softplus(s) - t * s;
    const g = (sigmoid(s) - t) / m;
    for (let k = 0; k < d; k++) {
      grad.data[i * d + k] += g * z.data[j * d + k];
      grad.data[j * d + k] += g * z.data[i * d + k];
    }
  });
  return { loss: total / m, grad };
}

/** The edges (i < j) of a dense 0/1 adjacency [N, N]. */
export function edgesOf(adjacency: Tensor): NodePair[] {
  const n = adjacency.shape[0];
  if (adjacency.shape.length !== 2 || adjacency.shape[1] !== n) throw new Error(`edgesOf: adjacency must be N x N, got ${shapeToString(adjacency.shape)}`);
  const out: NodePair[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (adjacency.data[i * n + j] !== 0 || adjacency.data[j * n + i] !== 0) out.push([i, j]);
  return out;
}

/**
 * Up to `count` distinct non-edges (i < j, no edge either way) drawn uniformly with `rng`. Gives up
 * after 50 * count rejected draws (dense graphs), so it may return fewer.
 */
export function sampleNegativePairs(adjacency: Tensor, count: number, rng: Rng): NodePair[] {
  const n = adjacency.shape[0];
  if (adjacency.shape.length !== 2 || adjacency.shape[1] !== n) throw new Error(`sampleNegativePairs: adjacency must be N x N, got ${shapeToString(adjacency.shape)}`);
  const seen = new Set<number>();
  const out: NodePair[] = [];
  for (let tries = 0; out.length < count && tries < 50 * count + 100; tries++) {
    const a = rng.int(n);
    const b = rng.int(n);
    if (a === b) continue;
    const i = Math.min(a, b);
    const j = Math.max(a, b);
    if (adjacency.data[i * n + j] !== 0 || adjacency.data[j * n + i] !== 0 || seen.has(i * n + j)) continue;
    seen.add(i * n + j);
    out.push([i, j]);
  }
  return out;
}
