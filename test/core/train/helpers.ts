/** Shared fixtures for the training tests: small graphs, a toy dataset and a reference cross-entropy. */
import { Tensor } from '../../../core/tensor/tensor';
import { Rng } from '../../../core/tensor/rng';
import type { GraphNode, ModelGraph } from '../../../core/graph/types';
import { createDataset, type Dataset } from '../../../core/data/dataset';
import type { LossResult } from '../../../core/train/gradients';

export function graphOf(name: string, nodes: GraphNode[], outputs: string[]): ModelGraph {
  return { format: 'convlab-graph', version: 1, name, nodes, outputs };
}

export function node(name: string, op: string, inputs: string[], attrs: GraphNode['attrs'] = {}): GraphNode {
  return { name, op, inputs, attrs };
}

/** Input [1,2,2] -> Flatten -> Dense(hidden) -> ReLU -> Dense(classes). */
export function mlp(hidden = 8, classes = 3, extra: GraphNode[] = []): ModelGraph {
  return graphOf(
    'mlp',
    [
      node('x', 'Input', [], { shape: [1, 2, 2] }),
      node('flat', 'Flatten', ['x']),
      node('fc1', 'Dense', ['flat'], { units: hidden }),
      node('act', 'ReLU', ['fc1']),
      ...extra,
      node('fc2', 'Dense', [extra.length ? extra[extra.length - 1].name : 'act'], { units: classes }),
    ],
    ['fc2'],
  );
}

/** Three well-separated clusters in 4 dimensions, shaped as 1x2x2 "images". */
export function blobs(n: number, seed: number, classes = 3): Dataset {
  const rng = new Rng(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: 4 }, () => rng.normal() * 2));
  const samples = new Float32Array(n * 4);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = i % classes;
    labels[i] = y;
    for (let k = 0; k < 4; k++) samples[i * 4 + k] = centres[y][k] + 0.3 * rng.normal();
  }
  return createDataset({ name: 'blobs', sampleShape: [1, 2, 2], classNames: Array.from({ length: classes }, (_, i) => `c${i}`), samples, labels });
}

/** Reference softmax cross-entropy, mean over the batch, computed in float64. */
export function referenceCrossEntropy(logits: Tensor, labels: Int32Array): LossResult {
  const [n, k] = logits.shape;
  const grad = new Tensor([n, k]);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits.data[i * k + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits.data[i * k + j] - max);
    loss += Math.log(sum) + max - logits.data[i * k + labels[i]];
    for (let j = 0; j < k; j++) {
      const p = Math.exp(logits.data[i * k + j] - max) / sum;
      grad.data[i * k + j] = (p - (j === labels[i] ? 1 : 0)) / n;
    }
  }
  return { loss: loss / n, grad };
}
