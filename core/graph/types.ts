/**
 * The model IR: a DAG of named nodes. Every node has exactly one output, named after the node.
 * Graph inputs are nodes with op "Input" (attrs.shape = per-sample shape, batch excluded).
 * Weights live beside the graph, keyed by node name then param name (see ParamSpec in ops/types).
 */
import type { RawAttrs } from '../ops/types';
import type { Tensor } from '../tensor/tensor';

export const GRAPH_FORMAT = 'convlab-graph';
export const GRAPH_VERSION = 1;

export interface GraphNode {
  name: string;
  op: string;
  inputs: string[];
  attrs: RawAttrs;
  /** Optional editor data (position, group); ignored by the engine. */
  ui?: { x: number; y: number; group?: string };
  doc?: string;
}

export interface ModelGraph {
  format: typeof GRAPH_FORMAT;
  version: number;
  name: string;
  nodes: GraphNode[];
  /** Names of the nodes whose outputs are the model outputs (logits for classifiers). */
  outputs: string[];
}

export type Weights = Record<string, Record<string, Tensor>>;

/** Thrown by validation; names the node, its op and the offending shapes. */
export class GraphError extends Error {
  constructor(
    message: string,
    readonly node?: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}
