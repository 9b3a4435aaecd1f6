/**
 * Losses named by plain data, so a worker thread or a saved run can rebuild the same function.
 * Softmax cross-entropy (optionally label-smoothed), mean over the batch, gradient w.r.t. logits.
 */
import { Tensor, shapeToString } from '../tensor/tensor';
import type { LossFn, LossResult } from './gradients';

export type LossConfig = { kind: 'softmax-cross-entropy'; labelSmoothing?: number };

function softmaxCrossEntropy(logits: Tensor, labels: Int32Array, smoothing: number): LossResult {
  if (logits.shape.length !== 2 || logits.shape[0] !== labels.length) {
    throw new Error(`softmax cross-entropy: logits ${shapeToString(logits.shape)} do not match ${labels.length} labels`);
  }
  const [n, k] = logits.shape;
  const x = logits.data;
  const grad = new Tensor([n, k]);
  const g = grad.data;
  const off = smoothing / k;
  const on = 1 - smoothing + off;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (x[row + j] > max) max = x[row + j];
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(x[row + j] - max);
    const logSum = Math.log(sum) + max;
    const y = labels[i];
    if (!(y >= 0 && y < k)) throw new Error(`softmax cross-entropy: label ${y} of sample ${i} is outside 0..${k - 1}`);
    for (let j = 0; j < k; j++) {
      const target = smoothing > 0 ? (j === y ? on : off) : j === y ? 1 : 0;
      const logP = x[row + j] - logSum;
      if (target !== 0) loss -= target * logP;
      g[row + j] = (Math.exp(logP) - target) / n;
    }
  }
  return { loss: loss / n, grad };
}

export function lossFromConfig(config: LossConfig): LossFn {
  const s = config.labelSmoothing ?? 0;
  if (!(s >= 0 && s < 1)) throw new Error(`loss: labelSmoothing must be in [0, 1), got ${s}`);
  return (logits, labels) => softmaxCrossEntropy(logits, labels, s);
}
