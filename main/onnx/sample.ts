/**
 * Seeded sample feeds for a graph: standard-normal values for every Input at the given batch (or
 * the batch the input fixes), except inputs that feed a GraphConv's adjacency, which get a random
 * symmetric 0/1 matrix (some self loops, some isolated nodes), as GraphConv requires.
 */
import { Rng, Tensor, type ModelGraph } from '../../core/index';

/** Names of the Input nodes read as a GraphConv adjacency (second input). */
export function adjacencyInputs(graph: ModelGraph): Set<string> {
  const inputs = new Set(graph.nodes.filter((n) => n.op === 'Input').map((n) => n.name));
  return new Set(graph.nodes.filter((n) => n.op === 'GraphConv' && inputs.has(n.inputs[1])).map((n) => n.inputs[1]));
}

function randomAdjacency(n: number, rng: Rng): Tensor {
  const t = new Tensor([n, n]);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const edge = i === j ? rng.next() < 0.5 : rng.next() < 0.2;
      if (edge) {
        t.data[i * n + j] = 1;
        t.data[j * n + i] = 1;
      }
    }
  }
  return t;
}

export function sampleFeeds(graph: ModelGraph, batch: number, seed: number): Record<string, Tensor> {
  const rng = new Rng(seed);
  const adjacency = adjacencyInputs(graph);
  const feeds: Record<string, Tensor> = {};
  for (const node of graph.nodes) {
    if (node.op !== 'Input') continue;
    const per = node.attrs.shape;
    const fixed = node.attrs.batch;
    if (!Array.isArray(per)) throw new Error(`Input "${node.name}": no shape`);
    const b = typeof fixed === 'number' ? fixed : batch;
    if (adjacency.has(node.name)) {
      feeds[node.name] = randomAdjacency(b, rng);
      continue;
    }
    const t = new Tensor([b, ...per]);
    for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
    feeds[node.name] = t;
  }
  return feeds;
}
