/**
 * Losses named by plain data, so a worker thread or a saved run can rebuild the same function
 * (functions cannot cross a thread boundary). The losses themselves live in losses.ts.
 */
import type { LossFn } from './gradients';
import { softmaxCrossEntropy } from './losses';

export type LossConfig = { kind: 'softmax-cross-entropy'; labelSmoothing?: number };

export function lossFromConfig(config: LossConfig): LossFn {
  const s = config.labelSmoothing ?? 0;
  if (!(s >= 0 && s < 1)) throw new Error(`loss: labelSmoothing must be in [0, 1), got ${s}`);
  return (logits, labels) => softmaxCrossEntropy(logits, labels, s);
}
