/**
 * Node-classification graphs for GraphConv: Zachary's karate club (real, small, public) and a
 * planted-partition generator. Adjacency is handed to the model as a dense symmetric 0/1 tensor.
 */
import { Rng } from '../tensor/rng';
import { Tensor } from '../tensor/tensor';

export interface GraphDataset {
  name: string;
  nodes: number;
  /** Undirected edges, each once, as [i, j] with i < j (0-based). */
  edges: [number, number][];
  /** [nodes, F] */
  features: Tensor;
  labels: Int32Array;
  classNames: string[];
}

/**
 * Zachary, W. W. (1977). An information flow model for conflict and fission in small groups.
 * Journal of Anthropological Research 33(4), 452-473. The 78 friendships among 34 members
 * (members numbered 1..34 as in the paper's matrix; here 0-based), and the faction each member
 * joined after the split: Mr. Hi (member 1) or the Officer (member 34).
 */
const KARATE_NEIGHBOURS: Record<number, number[]> = {
  1: [2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 18, 20, 22, 32],
  2: [3, 4, 8, 14, 18, 20, 22, 31],
  3: [4, 8, 9, 10, 14, 28, 29, 33],
  4: [8, 13, 14],
  5: [7, 11],
  6: [7, 11, 17],
  7: [17],
  9: [31, 33, 34],
  10: [34],
  14: [34],
  15: [33, 34],
  16: [33, 34],
  19: [33, 34],
  20: [34],
  21: [33, 34],
  23: [33, 34],
  24: [26, 28, 30, 33, 34],
  25: [26, 28, 32],
  26: [32],
  27: [30, 34],
  28: [34],
  29: [32, 34],
  30: [33, 34],
  31: [33, 34],
  32: [33, 34],
  33: [34],
};
/** 0-based members who followed Mr. Hi; everyone else followed the Officer. */
const MR_HI = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 16, 17, 19, 21]);

export function karateClub(): GraphDataset {
  const edges: [number, number][] = [];
  for (const [a, list] of Object.entries(KARATE_NEIGHBOURS)) for (const b of list) edges.push([Number(a) - 1, b - 1]);
  const n = 34;
  // Featureless nodes: one-hot identity features, as in Kipf & Welling's karate experiment.
  const features = new Tensor([n, n]);
  for (let i = 0; i < n; i++) features.data[i * n + i] = 1;
  const labels = Int32Array.from({ length: n }, (_, i) => (MR_HI.has(i) ? 0 : 1));
  return { name: 'karate-club', nodes: n, edges, features, labels, classNames: ['Mr. Hi', 'Officer'] };
}

export interface PlantedPartitionOptions {
  groups: number;
  /** Nodes per group. */
  size: number;
  /** Edge probability inside a group and between groups. */
  pIn: number;
  pOut: number;
  seed: number;
  /** Feature dimension; features are noise plus a weak group signal of strength `signal`. Default 8. */
  featureDim?: number;
  signal?: number;
}

export function plantedPartition(o: PlantedPartitionOptions): GraphDataset {
  if (!(o.pIn >= 0 && o.pIn <= 1 && o.pOut >= 0 && o.pOut <= 1)) throw new Error(`plantedPartition: probabilities must be in [0, 1], got ${o.pIn}, ${o.pOut}`);
  if (o.groups < 1 || o.size < 1) throw new Error(`plantedPartition: need groups >= 1 and size >= 1, got ${o.groups}, ${o.size}`);
  const rng = new Rng(o.seed);
  const n = o.groups * o.size;
  const labels = Int32Array.from({ length: n }, (_, i) => Math.floor(i / o.size));
  const edges: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (rng.next() < (labels[i] === labels[j] ? o.pIn : o.pOut)) edges.push([i, j]);
    }
  }
  const f = o.featureDim ?? 8;
  const signal = o.signal ?? 0.5;
  const centres = Array.from({ length: o.groups }, () => Array.from({ length: f }, () => rng.normal()));
  const features = new Tensor([n, f]);
  for (let i = 0; i < n; i++) for (let k = 0; k < f; k++) features.data[i * f + k] = signal * centres[labels[i]][k] + rng.normal();
  return {
    name: `planted-partition-${o.groups}x${o.size}`,
    nodes: n,
    edges,
    features,
    labels,
    classNames: Array.from({ length: o.groups }, (_, g) => `group ${g}`),
  };
}

/** Dense symmetric 0/1 adjacency [nodes, nodes]; `selfLoops` adds the diagonal (A + I). */
export function adjacencyOf(g: Pick<GraphDataset, 'nodes' | 'edges'>, selfLoops = false): Tensor {
  const n = g.nodes;
  const a = new Tensor([n, n]);
  for (const [i, j] of g.edges) {
    a.data[i * n + j] = 1;
    a.data[j * n + i] = 1;
  }
  if (selfLoops) for (let i = 0; i < n; i++) a.data[i * n + i] = 1;
  return a;
}
